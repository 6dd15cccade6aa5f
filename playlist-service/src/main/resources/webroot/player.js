// ipc-hls web player: camera list, live view, a grid of live cameras, replay by day and time range at 0.5–16×, a
// timeline of recorded spans that zooms from the day to a minute, where a click seeks and a drag selects the range to
// export, the camera's events as markers on it (a click plays from the event), a preview thumbnail above the pointer
// while it moves along the timeline (mouse or finger), keyboard shortcuts, and the camera's
// wall-clock time of the frame on screen (from EXT-X-PROGRAM-DATE-TIME); a camera whose H.265 the browser cannot
// decode is refused plainly, with a download link.
// Tests drive it through window.ipchls.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const video = $('video');
  const DAY_MS = 24 * 3600 * 1000;
  const params = new URLSearchParams(location.search);

  let token = params.get('token') || sessionStorage.getItem('ipchls.token') || '';
  if (params.get('token')) {
    sessionStorage.setItem('ipchls.token', token);
    params.delete('token');
    history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : ''));
  }

  const state = { camera: null, mode: null, range: null, dayStart: null, fragments: [], hls: null,
    view: null, spans: [], events: [], selection: null, rate: 1, tiles: [], cameras: [] };

  function status(text) { $('status').textContent = text || ''; }

  async function api(path) {
    const response = await fetch(path, { headers: token ? { Authorization: 'Bearer ' + token } : {} });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401) {
      $('token-form').hidden = false;
      throw new Error(body.message || 'a viewer token is required');
    }
    if (!response.ok) throw new Error(body.message || ('HTTP ' + response.status));
    return body;
  }

  // Our own playlists get the token as a header; presigned segment URLs must not (their signature is the auth).
  function sameOrigin(url) {
    return url.startsWith('/') || url.startsWith(location.origin + '/');
  }

  // ---- playback --------------------------------------------------------------------------------------------
  function play(src, startWallMs) {
    $('refusal').hidden = true;
    if (state.hls) state.hls.destroy();
    state.fragments = [];
    if (!(window.Hls && Hls.isSupported())) {
      if (video.canPlayType('application/vnd.apple.mpegurl')) { // Safari plays HLS natively
        video.src = src + (token ? '&token=' + encodeURIComponent(token) : '');
        return;
      }
      status('This browser cannot play HLS.');
      return;
    }
    const hls = new Hls({
      // the header goes to our own playlists only: segment links carry their own authorization, and a header on a
      // presigned S3 URL (or one a segment link redirects to) would break its signature
      xhrSetup: (xhr, url) => {
        if (token && sameOrigin(url) && new URL(url, location.href).pathname.endsWith('.m3u8')) {
          xhr.setRequestHeader('Authorization', 'Bearer ' + token);
        }
      },
      ...LIVE_TUNING,
    });
    state.hls = hls;
    bufferFor(hls, state.rate);
    hls.on(Hls.Events.LEVEL_UPDATED, (event, data) => keepNearLiveEdge(hls, data.details));
    hls.on(Hls.Events.LEVEL_LOADED, (event, data) => {
      state.fragments = data.details.fragments;
      if (startWallMs != null) {
        const position = positionOf(startWallMs);
        startWallMs = null;
        if (position != null) video.currentTime = position;
      }
    });
    hls.on(Hls.Events.ERROR, (event, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
      } else {
        status('playback error: ' + data.details + (data.response ? ' (HTTP ' + data.response.code + ')' : ''));
      }
    });
    hls.loadSource(src);
    hls.attachMedia(video);
    video.defaultPlaybackRate = state.rate; // a new source resets playbackRate to this
    video.playbackRate = state.rate;
    video.play().catch(() => {}); // autoplay of muted video is allowed; a refusal only means "press play"
  }

  // Live latency (docs/PERFORMANCE.md, "Glass-to-glass latency"). Playback starts one target duration (the camera's
  // segment length) behind the playlist's end (the nearest start hls.js allows; its default is 3 of them),
  // then keepNearLiveEdge sets the target from the segments' real length. The live playlist has no LL-HLS parts;
  // hls.js's low-latency mode is on only because it is what lets hls.js play slightly faster (up to
  // maxLiveSyncPlaybackRate) to get back to its target latency, instead of staying as far behind as it started or
  // fell after a stall. A player more than liveMaxLatencyDurationCount target durations behind (a tab in the
  // background; 5 segments: 15 s for 3 s segments) jumps back to the live edge. Played-out video leaves the buffer after backBufferLength seconds, so
  // hours of live view keep memory flat.
  const LIVE_TUNING = {
    liveSyncDurationCount: 1,
    lowLatencyMode: true,
    maxLiveSyncPlaybackRate: 1.5,
    liveMaxLatencyDurationCount: 5,
    backBufferLength: 30,
  };
  const LIVE_EDGE_SLACK_S = 1;

  // How far behind the live edge to play: the longest of the last 3 segments (the next one appears about that much
  // later) plus slack for the upload, the index and the playlist reload. hls.js's default is 3 target durations (3
  // segment lengths), more than the next segment needs.
  function keepNearLiveEdge(hls, details) {
    if (!details.live || !details.fragments.length) return;
    const longest = Math.max(...details.fragments.slice(-3).map((f) => f.duration));
    const target = Math.round((longest + LIVE_EDGE_SLACK_S) * 10) / 10;
    if (hls.config.liveSyncDuration !== target) hls.targetLatency = target; // the setter also forgets past stalls
  }

  // The camera's wall-clock time at a media position: the fragment's program date-time plus the offset into it.
  function wallClockAt(t) {
    for (const f of state.fragments) {
      if (t >= f.start && t < f.start + f.duration && f.programDateTime) {
        return f.programDateTime + (t - f.start) * 1000;
      }
    }
    return null;
  }

  // The media position of a wall-clock time; inside a gap, the start of the next recorded fragment.
  function positionOf(wallMs) {
    for (const f of state.fragments) {
      if (!f.programDateTime) continue;
      if (f.programDateTime + f.duration * 1000 > wallMs) {
        return wallMs <= f.programDateTime ? f.start : f.start + (wallMs - f.programDateTime) / 1000;
      }
    }
    return null;
  }

  function live() {
    if (!state.camera) return;
    leaveGrid();
    state.mode = 'live';
    state.range = null;
    state.selection = null;
    setSpeed(1); // live runs at the camera's pace: faster would only wait at the live edge
    $('export').hidden = true;
    $('mode').textContent = 'Live: ' + state.camera;
    setDay(new Date());
    const camera = '?camera_id=' + encodeURIComponent(state.camera);
    const now = Date.now();
    playIfDecodable('/multivariant.m3u8' + camera, '/playlist.m3u8' + camera, replayPath(now - 3600 * 1000, now));
  }

  function replay(startMs, endMs, seekToMs) {
    if (!state.camera) return;
    leaveGrid();
    state.mode = 'replay';
    state.range = { start: startMs, end: endMs };
    $('mode').textContent = 'Replay: ' + state.camera + ', ' + new Date(startMs).toLocaleString() + ' – '
      + new Date(endMs).toLocaleString();
    const range = '?camera_id=' + encodeURIComponent(state.camera) + '&start='
      + encodeURIComponent(new Date(startMs).toISOString()) + '&end=' + encodeURIComponent(new Date(endMs).toISOString());
    playIfDecodable('/multivariant.m3u8' + range, '/replay.m3u8' + range, replayPath(startMs, endMs), seekToMs);
    updateExport();
  }

  // The export is the range selected on the timeline, or else the replayed range.
  function updateExport() {
    const r = state.selection || state.range;
    if (!r || !state.camera) { $('export').hidden = true; return; }
    exportLink(r.start, r.end);
    $('export').textContent = state.selection
      ? 'Export clip ' + timeLabel(r.start, true) + ' – ' + timeLabel(r.end, true) : 'Export clip';
  }

  // The replayed range as one MP4 file (remuxed by the server, no re-encoding); links carry the token as a query
  // parameter because a plain download cannot send a header.
  function exportLink(startMs, endMs) {
    const link = $('export');
    link.href = '/api/v1/cameras/' + encodeURIComponent(state.camera) + '/clip.mp4?start='
      + encodeURIComponent(new Date(startMs).toISOString()) + '&end=' + encodeURIComponent(new Date(endMs).toISOString())
      + (token ? '&token=' + encodeURIComponent(token) : '');
    link.hidden = endMs - startMs > 24 * 3600 * 1000;
  }

  // ---- codecs the browser cannot decode ----------------------------------------------------------------------
  // Before playing, the camera's codecs come from its multivariant playlist (CODECS): H.265 that this browser's
  // MediaSource cannot decode is refused in plain words, with the recording to download, instead of a black video.
  const HEVC = /^(hvc1|hev1)\./i;

  function replayPath(startMs, endMs) {
    return '/replay.m3u8?camera_id=' + encodeURIComponent(state.camera) + '&start='
      + encodeURIComponent(new Date(startMs).toISOString()) + '&end=' + encodeURIComponent(new Date(endMs).toISOString())
      + '&links=full';
  }

  async function playIfDecodable(multivariant, src, download, startWallMs) {
    const mode = state.mode;
    const undecodable = await undecodableHevc(multivariant);
    if (state.mode !== mode) return; // the viewer chose something else meanwhile
    if (undecodable) refuse(download);
    else play(src, startWallMs);
  }

  // The first HEVC codec of the stream this browser cannot decode, or null (also when the codecs are unknown: then
  // playback is tried as before).
  async function undecodableHevc(multivariant) {
    let text;
    try {
      const response = await fetch(multivariant, { headers: token ? { Authorization: 'Bearer ' + token } : {} });
      if (!response.ok) return null;
      text = await response.text();
    } catch (e) {
      return null;
    }
    const codecs = (/CODECS="([^"]*)"/.exec(text) || [])[1];
    if (!codecs) return null;
    for (const codec of codecs.split(',').map((c) => c.trim()).filter((c) => HEVC.test(c))) {
      if (!canDecode('video/mp4; codecs="' + codec + '"')) return codec;
    }
    return null;
  }

  function canDecode(type) {
    const source = window.ManagedMediaSource || window.MediaSource;
    if (source && source.isTypeSupported) return source.isTypeSupported(type);
    return video.canPlayType(type) !== ''; // native HLS only (no MediaSource)
  }

  function refuse(download) {
    if (state.hls) state.hls.destroy();
    state.hls = null;
    state.fragments = [];
    video.removeAttribute('src');
    video.load();
    const link = document.createElement('a');
    link.href = download + (token ? '&token=' + encodeURIComponent(token) : '');
    link.download = 'recording-' + state.camera + '.m3u8';
    link.textContent = 'the recording (HLS playlist, for VLC or ffmpeg)';
    const box = $('refusal');
    box.replaceChildren('This camera records H.265 (HEVC), which this browser cannot decode. '
      + 'Download the recording instead: ', link);
    box.hidden = false;
  }

  // Seek to a wall-clock time: inside the loaded replay, move the playhead; otherwise replay from there.
  function seekToWallClock(ms) {
    if (state.mode === 'replay' && state.range && ms >= state.range.start && ms < state.range.end
        && state.fragments.length) {
      const position = positionOf(ms);
      if (position != null) {
        video.currentTime = position;
        video.play().catch(() => {});
        return;
      }
    }
    const dayEnd = state.dayStart + DAY_MS;
    replay(ms, Math.min(ms + 3600 * 1000, Math.max(dayEnd, ms + 60 * 1000)), ms);
  }

  // ---- timeline --------------------------------------------------------------------------------------------
  function setDay(date) {
    const d = new Date(date.getFullYear(), date.getMonth(), date.getDate());
    if (state.dayStart !== d.getTime()) {
      state.view = { start: d.getTime(), end: d.getTime() + DAY_MS };
      state.selection = null;
    }
    state.dayStart = d.getTime();
    const pad = (n) => String(n).padStart(2, '0');
    $('day').value = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
    loadTimeline();
  }

  async function loadTimeline() {
    if (!state.camera || state.dayStart == null) return;
    const start = new Date(state.dayStart).toISOString();
    const end = new Date(state.dayStart + DAY_MS).toISOString();
    try {
      const t = await api('/api/v1/cameras/' + encodeURIComponent(state.camera) + '/timeline?start='
        + encodeURIComponent(start) + '&end=' + encodeURIComponent(end));
      state.spans = t.spans;
      renderTimeline();
    } catch (e) {
      status(e.message);
    }
    loadEvents();
  }

  // ---- events ----------------------------------------------------------------------------------------------
  // The day's events (GET /api/v1/events, the first 1000) as markers on the timeline: the tooltip says what, which
  // and when; a click plays from the event's start (inside the loaded replay it seeks, otherwise it starts a replay).
  const EVENT_NAMES = { motion: 'Motion', person: 'Person', vehicle: 'Vehicle', doorbell: 'Doorbell', sound: 'Sound',
    custom: 'Event' };

  async function loadEvents() {
    const box = $('events');
    const camera = state.camera;
    const dayStart = state.dayStart;
    let body;
    try {
      body = await api('/api/v1/events?camera_id=' + encodeURIComponent(camera) + '&start='
        + encodeURIComponent(new Date(dayStart).toISOString()) + '&end='
        + encodeURIComponent(new Date(dayStart + DAY_MS).toISOString()) + '&limit=1000');
    } catch (e) {
      box.replaceChildren();
      return; // the timeline has said what is wrong
    }
    if (camera !== state.camera || dayStart !== state.dayStart) return; // the viewer moved on meanwhile
    state.events = body.events;
    renderTimeline();
  }

  function marker(e) {
    const el = document.createElement('button');
    el.type = 'button';
    el.className = 'marker ' + (EVENT_NAMES[e.type] ? e.type : 'custom');
    el.dataset.id = e.id;
    el.dataset.start = e.start;
    el.style.left = percentOf(Math.max(e.start, state.view.start)) + '%';
    const when = new Date(e.start).toLocaleTimeString() + (e.end != null && e.end > e.start
      ? ' – ' + new Date(e.end).toLocaleTimeString() : '');
    el.title = [EVENT_NAMES[e.type] || e.type, e.label, when].filter(Boolean).join(' · ');
    el.setAttribute('aria-label', el.title);
    el.addEventListener('click', (event) => {
      event.stopPropagation(); // not a click on the bar's position
      seekToWallClock(e.start);
    });
    return el;
  }

  // ---- zoom, pan and range selection -------------------------------------------------------------------------
  // The bar shows state.view, a window of the day: the whole day down to one minute. Spans and markers are drawn
  // from what was fetched for the day, so zooming needs no request and stays exact at every level.
  const ZOOMS = [DAY_MS, 12 * 3600e3, 6 * 3600e3, 3 * 3600e3, 3600e3, 30 * 60e3, 15 * 60e3, 5 * 60e3, 60e3];
  const TICKS = [6 * 3600e3, 3 * 3600e3, 3600e3, 30 * 60e3, 15 * 60e3, 10 * 60e3, 5 * 60e3, 60e3, 30e3, 15e3, 10e3];

  function percentOf(ms) {
    return 100 * (ms - state.view.start) / (state.view.end - state.view.start);
  }

  function timeAt(clientX) {
    const rect = $('timeline').getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
    return state.view.start + f * (state.view.end - state.view.start);
  }

  function timeLabel(ms, seconds) {
    const d = new Date(ms);
    const pad = (n) => String(n).padStart(2, '0');
    const hm = ms - state.dayStart >= DAY_MS && !seconds ? '24:00'
      : pad(d.getHours()) + ':' + pad(d.getMinutes());
    return seconds ? hm + ':' + pad(d.getSeconds()) : hm;
  }

  function renderTimeline() {
    if (!state.view) return;
    const { start, end } = state.view;
    const spans = $('spans');
    spans.replaceChildren(...state.spans.filter((s) => s.end > start && s.start < end).map((s) => {
      const el = document.createElement('div');
      el.className = 'span';
      el.style.left = percentOf(Math.max(s.start, start)) + '%';
      el.style.width = (percentOf(Math.min(s.end, end)) - percentOf(Math.max(s.start, start))) + '%';
      el.title = new Date(s.start).toLocaleTimeString() + ' – ' + new Date(s.end).toLocaleTimeString();
      return el;
    }));
    $('events').replaceChildren(...state.events.filter((e) => e.start >= start && e.start < end).map(marker));
    const span = end - start;
    // labels at round times of the day: the largest step that still gives four or more
    const step = TICKS.find((t) => span / t >= 4) || TICKS[TICKS.length - 1];
    const ticks = [];
    for (let t = state.dayStart + Math.ceil((start - state.dayStart) / step) * step; t <= end; t += step) {
      const el = document.createElement('span');
      const at = percentOf(t);
      el.style.left = at + '%';
      el.className = at < 3 ? 'first' : at > 97 ? 'last' : '';
      el.textContent = timeLabel(t, step < 60e3);
      ticks.push(el);
    }
    $('ticks').replaceChildren(...ticks);
    $('zoom-level').textContent = span >= 3600e3 ? span / 3600e3 + ' h' : span / 60e3 + ' min';
    $('zoom-in').disabled = span <= ZOOMS[ZOOMS.length - 1];
    $('zoom-out').disabled = span >= DAY_MS;
    $('pan-back').disabled = start <= state.dayStart;
    $('pan-forward').disabled = end >= state.dayStart + DAY_MS;
    const sel = $('selection');
    const r = state.selection;
    sel.hidden = !r || r.end <= start || r.start >= end;
    if (!sel.hidden) {
      sel.style.left = percentOf(Math.max(r.start, start)) + '%';
      sel.style.width = (percentOf(Math.min(r.end, end)) - percentOf(Math.max(r.start, start))) + '%';
    }
    $('clear-selection').hidden = !r;
    moveCursor();
    loadThumbnails();
  }

  // Zooms one step in (+1) or out (-1) around a wall-clock time: the one under the mouse, else the frame on screen
  // when it is in view, else the middle of the view. That time keeps its place on the bar.
  function zoom(step, aroundMs) {
    if (!state.view) return;
    const span = state.view.end - state.view.start;
    const i = ZOOMS.findIndex((z) => z <= span);
    const next = ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, (i < 0 ? ZOOMS.length - 1 : i) + step))];
    let at = aroundMs;
    if (at == null) {
      const t = wallClock();
      at = t != null && t >= state.view.start && t < state.view.end ? t : state.view.start + span / 2;
    }
    const f = (at - state.view.start) / span;
    showView(at - f * next, next);
  }

  function pan(direction) {
    if (!state.view) return;
    const span = state.view.end - state.view.start;
    showView(state.view.start + direction * span / 2, span);
  }

  function showView(start, span) {
    const dayEnd = state.dayStart + DAY_MS;
    start = Math.min(Math.max(start, state.dayStart), dayEnd - span);
    state.view = { start, end: start + span };
    renderTimeline();
  }

  $('zoom-in').addEventListener('click', () => zoom(1));
  $('zoom-out').addEventListener('click', () => zoom(-1));
  $('pan-back').addEventListener('click', () => pan(-1));
  $('pan-forward').addEventListener('click', () => pan(1));
  $('clear-selection').addEventListener('click', () => selectRange(null));
  $('timeline').addEventListener('wheel', (event) => {
    if (!state.view || event.deltaY === 0) return;
    event.preventDefault();
    zoom(event.deltaY < 0 ? 1 : -1, timeAt(event.clientX));
  }, { passive: false });

  function selectRange(r) {
    state.selection = r;
    renderTimeline();
    updateExport();
  }

  // A press and release on the same spot plays from there; a drag selects a range for the export link (mouse, pen
  // and touch alike).
  let press = null;
  $('timeline').addEventListener('pointerdown', (event) => {
    if (state.dayStart == null || event.target.closest('.marker') || event.button > 0) return;
    press = { x: event.clientX, at: timeAt(event.clientX), id: event.pointerId };
    $('timeline').setPointerCapture(event.pointerId);
  });
  $('timeline').addEventListener('pointermove', (event) => {
    if (!press || event.pointerId !== press.id || Math.abs(event.clientX - press.x) < 5) return;
    const at = timeAt(event.clientX);
    state.selection = { start: Math.min(press.at, at), end: Math.max(press.at, at) };
    renderTimeline();
  });
  $('timeline').addEventListener('pointerup', (event) => {
    if (!press || event.pointerId !== press.id) return;
    const p = press;
    press = null;
    if (Math.abs(event.clientX - p.x) < 5) {
      seekToWallClock(p.at);
    } else {
      const at = timeAt(event.clientX);
      selectRange({ start: Math.round(Math.min(p.at, at)), end: Math.round(Math.max(p.at, at)) });
    }
  });
  $('timeline').addEventListener('pointercancel', () => { press = null; });

  // ---- scrubbing previews ----------------------------------------------------------------------------------
  // While the pointer moves along the timeline (a mouse hovering or dragging, a finger dragging), the thumbnail of
  // the segment starting nearest the time under it shows above it with that segment's time. The thumbnails of the
  // view are listed (GET /api/v1/cameras/{id}/thumbnails, about one per 2 px of the bar) whenever the view changes,
  // and kept, so zooming in adds finer ones; the image itself is fetched by the browser from the listed URL (a
  // presigned GET, or the proxy with the token) and then comes from its cache.
  const THUMB_REACH_MS = 60e3; // as the API: a thumbnail further than a minute shows another moment
  const thumbs = { camera: null, byTime: new Map(), sorted: [], loaded: new Set() };

  async function loadThumbnails() {
    if (!state.camera || !state.view) return;
    if (thumbs.camera !== state.camera) {
      thumbs.camera = state.camera;
      thumbs.byTime = new Map();
      thumbs.sorted = [];
      thumbs.loaded = new Set();
    }
    const width = $('timeline').getBoundingClientRect().width || 600;
    const span = state.view.end - state.view.start;
    const step = Math.min(3600e3, Math.max(1000, Math.ceil(span / Math.max(1, width / 2))));
    const start = Math.floor(state.view.start);
    const end = Math.ceil(state.view.end);
    const key = start + '/' + end + '/' + step;
    if (thumbs.loaded.has(key)) return;
    thumbs.loaded.add(key);
    const camera = state.camera;
    try {
      const body = await api('/api/v1/cameras/' + encodeURIComponent(camera) + '/thumbnails?start='
        + encodeURIComponent(new Date(start).toISOString()) + '&end=' + encodeURIComponent(new Date(end).toISOString())
        + '&step=' + step);
      if (camera !== thumbs.camera) return;
      for (const t of body.thumbnails) thumbs.byTime.set(t.time, t.url);
      thumbs.sorted = [...thumbs.byTime.keys()].sort((a, b) => a - b);
    } catch (e) {
      thumbs.loaded.delete(key); // no previews; the timeline has said what is wrong, if anything
    }
  }

  // The listed thumbnail whose segment starts nearest ms (binary search), or null beyond the reach.
  function nearestThumbnail(ms) {
    const a = thumbs.sorted;
    let lo = 0;
    let hi = a.length - 1;
    if (hi < 0) return null;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid] < ms) lo = mid + 1; else hi = mid;
    }
    let best = a[lo];
    if (lo > 0 && Math.abs(a[lo - 1] - ms) <= Math.abs(best - ms)) best = a[lo - 1];
    return Math.abs(best - ms) <= THUMB_REACH_MS ? { time: best, url: thumbs.byTime.get(best) } : null;
  }

  function showPreview(clientX) {
    const preview = $('preview');
    const t = state.view ? nearestThumbnail(timeAt(clientX)) : null;
    if (!t) {
      preview.hidden = true;
      return;
    }
    const img = $('preview-image');
    if (img.dataset.time !== String(t.time)) {
      img.dataset.time = String(t.time);
      img.src = t.url;
    }
    $('preview-time').textContent = timeLabel(t.time, true);
    preview.dataset.time = String(t.time);
    const rect = $('timeline').getBoundingClientRect();
    const half = preview.getBoundingClientRect().width / 2 || 80;
    preview.style.left = Math.min(rect.width - half, Math.max(half, clientX - rect.left)) + 'px';
    preview.hidden = false;
  }

  function hidePreview() {
    $('preview').hidden = true;
  }

  $('timeline').addEventListener('pointermove', (event) => showPreview(event.clientX));
  $('timeline').addEventListener('pointerdown', (event) => {
    if (event.pointerType !== 'mouse') showPreview(event.clientX); // a finger shows it from the first touch
  });
  $('timeline').addEventListener('pointerleave', (event) => {
    if (!press || event.pointerId !== press.id) hidePreview();
  });
  $('timeline').addEventListener('pointerup', (event) => {
    if (event.pointerType !== 'mouse') hidePreview();
  });
  $('timeline').addEventListener('pointercancel', hidePreview);

  // ---- clock and cursor ------------------------------------------------------------------------------------
  function wallClock() {
    if (state.hls) return wallClockAt(video.currentTime);
    const start = video.getStartDate ? video.getStartDate().getTime() : NaN; // native HLS
    return isNaN(start) ? null : start + video.currentTime * 1000;
  }

  function moveCursor() {
    const t = wallClock();
    $('clock').textContent = t == null ? '–' : new Date(t).toLocaleString();
    const cursor = $('cursor');
    if (t != null && state.view && t >= state.view.start && t < state.view.end) {
      cursor.hidden = false;
      cursor.style.left = percentOf(t) + '%';
    } else {
      cursor.hidden = true;
    }
  }
  video.addEventListener('timeupdate', moveCursor);

  // ---- speed -----------------------------------------------------------------------------------------------
  // Replay at 0.5–16×. Above 4× Chromium mutes the audio (the picture goes on); hls.js is asked to buffer the same
  // number of seconds of viewing, not of media, so 16× does not stall every few seconds (memory stays bounded by
  // hls.js's maxBufferSize).
  const SPEEDS = [0.5, 1, 2, 4, 8, 16];

  function setSpeed(rate) {
    state.rate = rate;
    video.defaultPlaybackRate = rate;
    video.playbackRate = rate;
    $('speed').value = String(rate);
    if (state.hls) bufferFor(state.hls, rate);
  }

  // At 1× (and below) the instance's own settings hold; above, never less than 30 s of viewing.
  const configured = new WeakMap();

  function bufferFor(hls, rate) {
    if (!configured.has(hls)) {
      configured.set(hls, { length: hls.config.maxBufferLength, max: hls.config.maxMaxBufferLength });
    }
    const base = configured.get(hls);
    const seconds = 30 * Math.max(1, rate);
    hls.config.maxBufferLength = rate > 1 ? Math.max(base.length, seconds) : base.length;
    hls.config.maxMaxBufferLength = rate > 1 ? Math.max(base.max, seconds * 2) : base.max;
  }

  function stepSpeed(step) {
    const i = SPEEDS.indexOf(state.rate);
    setSpeed(SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, (i < 0 ? 1 : i) + step))]);
  }

  $('speed').addEventListener('change', () => setSpeed(Number($('speed').value)));

  // ---- grid of live cameras ---------------------------------------------------------------------------------
  // Up to 9 of the cameras the token opens, each a muted live view; a click on a tile opens that camera alone.
  const GRID_MAX = 9;

  function showGrid() {
    if (state.hls) state.hls.destroy();
    state.hls = null;
    video.pause();
    state.mode = 'grid';
    $('single').hidden = true;
    const grid = $('grid');
    grid.hidden = false;
    leaveTiles();
    const cameras = state.cameras.slice(0, GRID_MAX);
    grid.style.setProperty('--columns', String(Math.max(1, Math.ceil(Math.sqrt(cameras.length)))));
    grid.replaceChildren(...cameras.map(tile));
    $('mode').textContent = '';
    status(cameras.length ? (state.cameras.length > GRID_MAX
      ? 'Showing ' + GRID_MAX + ' of ' + state.cameras.length + ' cameras.' : '') : 'No cameras yet.');
  }

  function tile(camera) {
    const box = document.createElement('button');
    box.type = 'button';
    box.className = 'tile';
    box.dataset.id = camera.id;
    box.setAttribute('aria-label', 'Open ' + camera.id);
    const v = document.createElement('video');
    v.muted = true;
    v.autoplay = true;
    v.playsInline = true;
    const name = document.createElement('span');
    name.className = 'tile-name';
    name.textContent = camera.id;
    box.append(v, name);
    box.addEventListener('click', () => { select(camera.id); live(); });
    const src = '/playlist.m3u8?camera_id=' + encodeURIComponent(camera.id);
    undecodableHevc('/multivariant.m3u8?camera_id=' + encodeURIComponent(camera.id)).then((codec) => {
      if (state.mode !== 'grid' || !box.isConnected) return;
      if (codec) { name.textContent = camera.id + ' — H.265, not decodable in this browser'; return; }
      if (!(window.Hls && Hls.isSupported())) {
        v.src = src + (token ? '&token=' + encodeURIComponent(token) : '');
        return;
      }
      const hls = new Hls({ xhrSetup: authorizePlaylists, maxBufferLength: 10 });
      state.tiles.push(hls);
      hls.on(Hls.Events.ERROR, (event, data) => {
        if (data.fatal && data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
        else if (data.fatal) name.textContent = camera.id + ' — ' + data.details;
      });
      hls.loadSource(src);
      hls.attachMedia(v);
      v.play().catch(() => {});
    });
    return box;
  }

  // As in play(): the token goes as a header to our own playlists only.
  function authorizePlaylists(xhr, url) {
    if (token && sameOrigin(url) && new URL(url, location.href).pathname.endsWith('.m3u8')) {
      xhr.setRequestHeader('Authorization', 'Bearer ' + token);
    }
  }

  function leaveTiles() {
    for (const hls of state.tiles) hls.destroy();
    state.tiles = [];
    $('grid').replaceChildren();
  }

  function leaveGrid() {
    if ($('grid').hidden) return;
    leaveTiles();
    $('grid').hidden = true;
    $('single').hidden = false;
  }

  $('grid-button').addEventListener('click', showGrid);

  // ---- keyboard --------------------------------------------------------------------------------------------
  // Not while typing in a field; space on a focused button stays that button's click.
  window.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest && target.closest('input, select, textarea')) return;
    const key = event.key;
    let handled = true;
    if (key === ' ' && !(target.closest && target.closest('button, a'))) {
      if (video.paused) video.play().catch(() => {});
      else video.pause();
    } else if (key === 'ArrowLeft' || key === 'ArrowRight') {
      if (state.mode === 'grid') return;
      const to = video.currentTime + (key === 'ArrowLeft' ? -10 : 10);
      video.currentTime = Math.max(0, isFinite(video.duration) ? Math.min(video.duration, to) : to);
    } else if (key === '[' || key === ']') {
      stepSpeed(key === '[' ? -1 : 1);
    } else if (key === '+' || key === '=') {
      zoom(1);
    } else if (key === '-' || key === '_') {
      zoom(-1);
    } else if (key === 'l' || key === 'L') {
      live();
    } else if (key === 'g' || key === 'G') {
      showGrid();
    } else if (key === 'Escape' && state.selection) {
      selectRange(null);
    } else {
      handled = false;
    }
    if (handled) event.preventDefault(); // also keeps the video element's own keys from acting twice
  }, true);
  setInterval(() => { if (state.mode === 'live') loadTimeline(); }, 30_000);

  // ---- cameras and forms -----------------------------------------------------------------------------------
  function select(id) {
    state.camera = id;
    for (const li of $('cameras').children) li.classList.toggle('selected', li.dataset.id === id);
    $('live').disabled = false;
    $('replay').disabled = false;
  }

  async function loadCameras() {
    try {
      const body = await api('/api/v1/cameras?limit=1000');
      state.cameras = body.cameras;
      const list = $('cameras');
      list.replaceChildren();
      for (const c of body.cameras) {
        const li = document.createElement('li');
        li.dataset.id = c.id;
        li.textContent = c.id;
        const dot = document.createElement('span');
        dot.className = 'dot' + (c.online ? ' online' : '');
        dot.title = c.online ? 'recording now' : 'not recording';
        li.appendChild(dot);
        li.addEventListener('click', () => { select(c.id); live(); });
        list.appendChild(li);
      }
      status(body.cameras.length ? '' : 'No cameras yet.');
    } catch (e) {
      status(e.message);
    }
  }

  $('live').addEventListener('click', live);
  $('replay-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const start = new Date($('day').value + 'T' + $('from').value).getTime();
    let end = new Date($('day').value + 'T' + $('to').value).getTime();
    if (!(end > start)) { status('"To" must be after "From".'); return; }
    setDay(new Date(start));
    replay(start, end);
  });
  $('day').addEventListener('change', () => {
    if ($('day').value) setDay(new Date($('day').value + 'T00:00:00'));
  });
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    token = $('token-input').value.trim();
    sessionStorage.setItem('ipchls.token', token);
    $('token-form').hidden = true;
    status('');
    loadCameras();
  });

  window.ipchls = {
    video,
    get hls() { return state.hls; },
    get mode() { return state.mode; },
    wallClock,
    seekToWallClock,
    get view() { return state.view && { start: state.view.start, end: state.view.end }; },
    get selection() { return state.selection; },
    showGrid,
    tiles: () => [...document.querySelectorAll('#grid video')],
    loadEvents,
    loadThumbnails,
    get thumbnails() { return thumbs.sorted.slice(); },
    replay,
    live,
  };

  // Deep links: ?camera=ID[&start=ISO&end=ISO] starts playing right away.
  loadCameras().then(() => {
    const camera = params.get('camera') || params.get('camera_id');
    if (!camera) return;
    select(camera);
    const start = Date.parse(params.get('start') || '');
    const end = Date.parse(params.get('end') || '');
    if (!isNaN(start) && !isNaN(end)) {
      setDay(new Date(start));
      replay(start, end);
    } else {
      live();
    }
  });
})();
