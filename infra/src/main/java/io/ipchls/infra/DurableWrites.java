package io.ipchls.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Makes a write of S3Proxy's filesystem store durable before it is answered. {@code FilesystemNio2BlobStore} (S3Proxy
 * 4.1) writes an object to a temporary file and renames it into place without {@code fsync}
 * ({@code javap -c -p org.gaul.s3proxy.nio2blob.AbstractNio2BlobStore} has no {@code FileChannel.force}), so its 200
 * meant "in the OS's page cache": a host crash or power loss up to Linux's writeback delay later (30 s by default)
 * could lose or empty an object that the camera had already deleted from its own buffer and ingest had indexed.
 * After each object written by PutObject, CopyObject or CompleteMultipartUpload this forces the file's data and then
 * its directory (the rename) to the disk, before S3Proxy answers. Objects live in {@code <root>/<bucket>/<key>}
 * (unversioned buckets, which is all the product makes).
 *
 * <p>A dynamic proxy rather than a class that forwards each method: every other operation of the interface, present
 * or added by a later S3Proxy, goes to the store unchanged.
 */
final class DurableWrites {
  private DurableWrites() {}

  static BlobStore wrap(BlobStore store, Path root) {
    return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
        (proxy, method, args) -> {
          Object result = invoke(store, method, args);
          Path written = written(root, method.getName(), args);
          if (written != null) force(written);
          return result;
        });
  }

  private static Object invoke(BlobStore store, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(store, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * The file an operation that succeeded has written, or null. A key ending in "/" (a "directory" marker, which no
   * part of the product writes and no camera's grant allows) is stored by S3Proxy under another name; it is left as
   * S3Proxy wrote it.
   */
  private static Path written(Path root, String method, Object[] args) {
    if (args == null || args.length == 0) return null;
    String[] object = switch (method) {
      case "putBlob" -> args[0] instanceof PutObjectRequest r ? new String[] {r.bucket(), r.key()} : null;
      case "copyBlob" -> args[0] instanceof CopyObjectRequest r
          ? new String[] {r.destinationBucket(), r.destinationKey()} : null;
      case "completeMultipartUpload" -> args[0] instanceof MultipartUpload u
          ? new String[] {u.containerName(), u.blobName()} : null;
      default -> null;
    };
    if (object == null || object[1] == null || object[1].endsWith("/")) return null;
    return root.resolve(object[0]).resolve(object[1]);
  }

  /** The file's data, then its directory's entry for it (the rename), on the disk. */
  private static void force(Path file) {
    try {
      try (FileChannel data = FileChannel.open(file, StandardOpenOption.READ)) {
        data.force(true);
      }
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      // answered as a server error: the client keeps its copy and retries, as for any failed PUT
      throw new UncheckedIOException("cannot sync " + file + " to the disk", e);
    }
  }
}
