#!/usr/bin/env bash
# gst-publish.sh FILE.flv URL: GStreamer's rtmpsink (librtmp: RTMP_Write) publishes an H.264+AAC
# FLV file in real time (the sink syncs to the clock). A separate script so that lib.sh's
# with_lib can run it (it runs programs, not shell functions).
set -u
file=${1:?usage: gst-publish.sh FILE.flv URL} url=${2:?usage: gst-publish.sh FILE.flv URL}
exec gst-launch-1.0 -q filesrc location="$file" ! flvdemux name=d \
  d.video ! queue ! h264parse ! m. \
  d.audio ! queue ! aacparse ! m. \
  flvmux name=m streamable=true ! rtmpsink location="$url live=1"
