// ipc-hls web player: camera list, live view, replay by day and time range, a timeline of recorded spans where a
// click seeks, the camera's events as markers on it (a click plays from the event), and the camera's wall-clock time
// of the frame on screen (from EXT-X-PROGRAM-DATE-TIME); a camera whose H.265 the browser cannot decode is refused
// plainly, with a download link.
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

  const state = { camera: null, mode: null, range: null, dayStart: null, fragments: [], hls: null };

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
    video.play().catch(() => {}); // autoplay of muted video is allowed; a refusal only means "press play"
  }

  // Live latency (docs/PERFORMANCE.md, "Glass-to-glass latency"). Playback starts one target duration behind the
  // playlist's end (the nearest start hls.js allows; its default, 3 × the fixed 4 s, is 12 s or the whole window),
  // then keepNearLiveEdge sets the target from the segments' real length. The live playlist has no LL-HLS parts;
  // hls.js's low-latency mode is on only because it is what lets hls.js play slightly faster (up to
  // maxLiveSyncPlaybackRate) to get back to its target latency, instead of staying as far behind as it started or
  // fell after a stall. A player more than liveMaxLatencyDurationCount target durations behind (a tab in the
  // background) jumps back to the live edge. Played-out video leaves the buffer after backBufferLength seconds, so
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
  // later) plus slack for the upload, the index and the playlist reload. hls.js's default is 3 target durations, and
  // the live target duration is fixed for all cameras (4 s by default), far more than short segments need.
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
    state.mode = 'live';
    state.range = null;
    $('export').hidden = true;
    $('mode').textContent = 'Live: ' + state.camera;
    setDay(new Date());
    const camera = '?camera_id=' + encodeURIComponent(state.camera);
    const now = Date.now();
    playIfDecodable('/multivariant.m3u8' + camera, '/playlist.m3u8' + camera, replayPath(now - 3600 * 1000, now));
  }

  function replay(startMs, endMs, seekToMs) {
    if (!state.camera) return;
    state.mode = 'replay';
    state.range = { start: startMs, end: endMs };
    $('mode').textContent = 'Replay: ' + state.camera + ', ' + new Date(startMs).toLocaleString() + ' – '
      + new Date(endMs).toLocaleString();
    const range = '?camera_id=' + encodeURIComponent(state.camera) + '&start='
      + encodeURIComponent(new Date(startMs).toISOString()) + '&end=' + encodeURIComponent(new Date(endMs).toISOString());
    playIfDecodable('/multivariant.m3u8' + range, '/replay.m3u8' + range, replayPath(startMs, endMs), seekToMs);
    exportLink(startMs, endMs);
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
      const box = $('spans');
      box.replaceChildren();
      for (const s of t.spans) {
        const el = document.createElement('div');
        el.className = 'span';
        el.style.left = (100 * (s.start - state.dayStart) / DAY_MS) + '%';
        el.style.width = (100 * (s.end - s.start) / DAY_MS) + '%';
        el.title = new Date(s.start).toLocaleTimeString() + ' – ' + new Date(s.end).toLocaleTimeString();
        box.appendChild(el);
      }
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
    box.replaceChildren(...body.events.map((e) => marker(e, dayStart)));
  }

  function marker(e, dayStart) {
    const el = document.createElement('button');
    el.type = 'button';
    el.className = 'marker ' + (EVENT_NAMES[e.type] ? e.type : 'custom');
    el.dataset.id = e.id;
    el.dataset.start = e.start;
    el.style.left = (100 * Math.max(0, e.start - dayStart) / DAY_MS) + '%';
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

  $('timeline').addEventListener('click', (event) => {
    if (state.dayStart == null) return;
    const rect = $('timeline').getBoundingClientRect();
    seekToWallClock(state.dayStart + DAY_MS * (event.clientX - rect.left) / rect.width);
  });

  // ---- clock and cursor ------------------------------------------------------------------------------------
  function wallClock() {
    if (state.hls) return wallClockAt(video.currentTime);
    const start = video.getStartDate ? video.getStartDate().getTime() : NaN; // native HLS
    return isNaN(start) ? null : start + video.currentTime * 1000;
  }

  video.addEventListener('timeupdate', () => {
    const t = wallClock();
    $('clock').textContent = t == null ? '–' : new Date(t).toLocaleString();
    const cursor = $('cursor');
    if (t != null && state.dayStart != null && t >= state.dayStart && t < state.dayStart + DAY_MS) {
      cursor.hidden = false;
      cursor.style.left = (100 * (t - state.dayStart) / DAY_MS) + '%';
    } else {
      cursor.hidden = true;
    }
  });
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
    loadEvents,
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
