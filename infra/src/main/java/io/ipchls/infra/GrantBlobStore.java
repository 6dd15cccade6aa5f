package io.ipchls.infra;

import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.StorageKeyGrant;
import java.io.InputStream;
import java.util.List;
import java.util.function.LongSupplier;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * What a temporary key may do: write objects (single PUT or multipart) strictly under its bucket and prefix while
 * the grant is live. Everything else (read, head, list, delete, copy, ACLs, bucket operations) is AccessDenied.
 *
 * <p>Implements {@link BlobStore} directly rather than forwarding, so an operation added to the interface is
 * refused by default: its default methods either throw or call the methods below.
 */
final class GrantBlobStore implements BlobStore {
  private final BlobStore delegate;
  private final StorageKeyGrant grant;
  private final LongSupplier clock;

  GrantBlobStore(BlobStore delegate, StorageKeyGrant grant, LongSupplier clock) {
    this.delegate = delegate;
    this.grant = grant;
    this.clock = clock;
  }

  /** Throws AccessDenied unless the grant is live and {@code bucket/key} lies under its bucket and prefix. */
  private void requireWritable(String bucket, String key) {
    if (!grant.isLive(clock.getAsLong())) throw denied("key expired");
    if (!grant.bucket().equals(bucket)) throw denied("other bucket");
    // S3Proxy hands us the raw (URL-decoded, not normalised) key: "cam-a/../cam-b/x" must not pass.
    if (!ObjectKeys.isUnder(key, grant.prefix())) throw denied("outside prefix");
  }

  private static S3ProxyException denied(String why) {
    return new S3ProxyException(S3ErrorCode.ACCESS_DENIED, "temporary key: " + why);
  }

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
    requireWritable(request.bucket(), request.key());
    return delegate.putBlob(request, input);
  }

  @Override
  public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
    requireWritable(request.bucket(), request.key());
    return delegate.initiateMultipartUpload(request);
  }

  @Override
  public UploadPartResponse uploadMultipartPart(MultipartUpload mpu, UploadPartRequest request, InputStream in) {
    requireWritable(mpu.containerName(), mpu.blobName());
    return delegate.uploadMultipartPart(mpu, request, in);
  }

  @Override
  public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload mpu,
      CompleteMultipartUploadRequest request) {
    requireWritable(mpu.containerName(), mpu.blobName());
    return delegate.completeMultipartUpload(mpu, request);
  }

  @Override
  public void abortMultipartUpload(MultipartUpload mpu) {
    requireWritable(mpu.containerName(), mpu.blobName());
    delegate.abortMultipartUpload(mpu);
  }

  @Override
  public List<Part> listMultipartUpload(MultipartUpload mpu) {
    // S3Proxy lists the parts of the caller's own upload while completing it.
    requireWritable(mpu.containerName(), mpu.blobName());
    return delegate.listMultipartUpload(mpu);
  }

  @Override
  public long getMinimumMultipartPartSize() {
    return delegate.getMinimumMultipartPartSize();
  }

  @Override
  public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(String container) {
    throw denied("list uploads");
  }

  @Override
  public ListBucketsResponse list() {
    throw denied("list buckets");
  }

  @Override
  public ListObjectsV2Response list(ListObjectsV2Request request) {
    throw denied("list objects");
  }

  @Override
  public HeadBucketResponse headBucket(HeadBucketRequest request) {
    throw denied("head bucket");
  }

  @Override
  public CreateBucketResponse createContainer(CreateBucketRequest request) {
    throw denied("create bucket");
  }

  @Override
  public BucketCannedACL getContainerAccess(String container) {
    throw denied("bucket acl");
  }

  @Override
  public void setContainerAccess(String container, BucketCannedACL acl) {
    throw denied("bucket acl");
  }

  @Override
  public void deleteBucket(String container) {
    throw denied("delete bucket");
  }

  @Override
  public CopyObjectResponse copyBlob(CopyObjectRequest request) {
    throw denied("copy");
  }

  @Override
  public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
    throw denied("head object");
  }

  @Override
  public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
    throw denied("get object");
  }

  @Override
  public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
    throw denied("delete object");
  }

  @Override
  public ObjectCannedACL getBlobAccess(String container, String name) {
    throw denied("object acl");
  }

  @Override
  public void setBlobAccess(String container, String name, ObjectCannedACL acl) {
    throw denied("object acl");
  }

  @Override
  public void close() {
    // The delegate is shared with other keys; EmbeddedS3 closes it.
  }
}
