#!/usr/bin/python3
"""A real RTSP server for the gateway's tests: GStreamer's rtsp-server (Debian gir1.2-gst-rtsp-server-1.0).

Serves one GStreamer launch line at rtsp://127.0.0.1:<port>/test, optionally behind Basic or Digest
authentication. Prints the bound port on a line of its own once it listens, and exits when its stdin closes (so
a test that dies takes its server with it).

  test-rtsp-server.py --launch "( videotestsrc is-live=true ! x264enc ! rtph264pay name=pay0 pt=96 )" \
      [--port 0] [--user u --password p --auth basic|digest] [--session-timeout S]
"""
import argparse
import os
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--launch", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--user")
    parser.add_argument("--password", default="")
    parser.add_argument("--auth", choices=["basic", "digest"], default="digest")
    parser.add_argument("--session-timeout", type=int, default=0)
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(args.launch)
    factory.set_shared(False)  # each client its own pipeline: a reconnect starts a fresh stream, as a camera does
    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", args.user)
        if args.auth == "basic":
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
        else:
            auth.add_digest(args.user, args.password, token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        server.set_auth(auth)
        factory.add_role_from_structure(Gst.Structure.from_string(
            args.user + ", media.factory.access=(boolean)true, media.factory.construct=(boolean)true")[0])
    server.get_mount_points().add_factory("/test", factory)
    if args.session_timeout > 0:  # announced in the SETUP answer's Session header
        server.connect("client-connected", lambda srv, client: client.connect(
            "new-session", lambda c, session: session.set_timeout(args.session_timeout)))
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
