#!/bin/sh
# Makes demo-h265.h265, the sample the demo's H.265 camera (./ipc-hls demo --h265-camera) loops: 6 s of ffmpeg's
# testsrc2 at 640x360, 15 fps, encoded by libx265 (Main profile, CRF 34, two B-frames, a closed GOP of 45 frames =
# 3 s, no scene-cut key frames) as a raw Annex-B stream. Run from this directory; needs ffmpeg with libx265.
set -e
ffmpeg -v error -y -f lavfi -i "testsrc2=size=640x360:rate=15" -t 6 -pix_fmt yuv420p -c:v libx265 \
  -x265-params "crf=34:keyint=45:min-keyint=45:scenecut=0:bframes=2:open-gop=0:repeat-headers=1:log-level=error" \
  -f hevc demo-h265.h265
ls -l demo-h265.h265
