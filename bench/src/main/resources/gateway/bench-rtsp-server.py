#!/usr/bin/python3
"""RTSP server for the gateway benchmark: GStreamer's rtsp-server serving one pre-encoded H.264 file, looped and paced
in real time, at N mounts rtsp://127.0.0.1:<port>/s0 .. /s<N-1>. Each mount is one shared pipeline (no encoding:
parse and payload only, so the server's own CPU stays low); every client of a mount gets the same stream. Prints the
port once it listens; exits when its stdin closes.

  bench-rtsp-server.py --file clip.h264 --mounts 50 [--port 0] [--fps 25]
"""
import argparse
import os
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", required=True)
    parser.add_argument("--mounts", type=int, required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fps", type=int, default=25)
    args = parser.parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    launch = ('( filesrc location="%s" ! matroskademux'
              ' ! h264parse ! video/x-h264,alignment=au'
              ' ! rtph264pay name=pay0 pt=96 config-interval=-1 )') % args.file
    for i in range(args.mounts):
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch)
        factory.set_shared(True)
        server.get_mount_points().add_factory("/s%d" % i, factory)
    if server.attach(None) == 0:
        print("cannot listen on port %d" % args.port, file=sys.stderr)
        sys.exit(1)
    print(server.get_bound_port(), flush=True)

    def wait_for_stdin_eof():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=wait_for_stdin_eof, daemon=True).start()
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
