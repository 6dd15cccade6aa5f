package io.ipchls.gateway.rtsp;

/**
 * One binary frame interleaved in the RTSP connection (RFC 2326 §10.12, RFC 7826 §14): '$', a one-byte channel, a
 * two-byte length, the data (an RTP packet on even channels, RTCP on odd ones by our SETUP).
 */
public record InterleavedFrame(int channel, byte[] data) {}
