// Crucible's Chromium control peer: one RTCPeerConnection that does what Scripts/interop/CONTROL.md says.
//
// The page talks only to the controller that served it (Scripts/interop/chromium_peer.py), by two relative
// URLs: a long poll, `poll`, that returns the driver's next requests as a JSON array, and `post`, which takes
// a JSON array of replies and events (and log lines) for the driver. Everything this page has to say goes
// through one queue, sent as one POST with at most one in flight, so a burst of 1000 message events costs a
// handful of requests and keeps its order.
//
// Everything stays on loopback (DESIGN §6): no ICE servers, and only 127.0.0.1 candidates are let into the
// descriptions this page hands out or takes in (loopbackOnly says how Chromium's wildcard socket gets one).
"use strict";

const verbose = new URLSearchParams(location.search).has("verbose");
const GATHERING_LIMIT_MS = 10000;  // CONTROL.md: createOffer and createAnswer wait for gathering at most 10 s
const BULK_BUFFER_LIMIT = 1 << 20;  // CONTROL.md: a bulk keeps bufferedAmount at most 1 MiB
const LOOPBACK = "127.0.0.1";

// MARK: - The way out: one queue, one POST at a time

const outbox = [];
let posting = false;

function post(message) {
  outbox.push(message);
  flush();
}

async function flush() {
  if (posting || outbox.length === 0) return;
  posting = true;
  const batch = outbox.splice(0);
  try {
    const response = await fetch("post", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(batch)});
    if (!response.ok) console.error(`post: HTTP ${response.status}`);
  } catch (error) {
    // The controller is gone (it is shutting down): there is nobody left to tell.
    console.error(`post: ${error}`);
  }
  posting = false;
  flush();  // whatever was queued while this batch was on its way
}

function emit(name, fields) {
  post({event: name, ...fields});
}

function log(text, level = "info") {
  if (verbose || level === "error") post({log: text, level});
}

function describe(error) {
  if (error instanceof Error || error instanceof DOMException) return `${error.name}: ${error.message}`;
  return String(error);
}

addEventListener("error", (event) => emit("error", {message: `page: ${event.message}`}));
addEventListener("unhandledrejection", (event) => emit("error", {message: `page: ${describe(event.reason)}`}));

// MARK: - The peer connection

const channels = new Map();  // label → {dc, openAnnounced, closedAnnounced, bulk}
let echoing = false;
let pc = null;
let lastConnectionState = "new";

function makePeerConnection() {
  // An explicit empty server list: nothing but host candidates, and nothing to contact.
  pc = new RTCPeerConnection({iceServers: []});
  lastConnectionState = pc.connectionState;
  pc.addEventListener("connectionstatechange", () => {
    lastConnectionState = pc.connectionState;
    watchSelectedPair();
    emit("connectionState", {value: pc.connectionState});
  });
  pc.addEventListener("iceconnectionstatechange", () => emit("iceConnectionState", {value: pc.iceConnectionState}));
  // Errors of interfaces Chromium could not use: diagnostics, not the driver's business.
  pc.addEventListener("icecandidateerror", (event) => log(`ice candidate error ${event.errorCode} ${event.errorText} at ${event.address}:${event.port}`));
  pc.addEventListener("datachannel", (event) => {
    const dc = event.channel;
    emit("datachannel", {
      label: dc.label, channelId: dc.id, ordered: dc.ordered, maxRetransmits: dc.maxRetransmits,
      maxPacketLifeTime: dc.maxPacketLifeTime, protocol: dc.protocol, negotiated: dc.negotiated,
    });
    adopt(dc);
  });
  pc.addEventListener("track", (event) => {
    startStatsSampler();
    receiveTrack(event.track).catch((error) => emit("error", {message: `receiving ${event.track.kind}: ${describe(error)}`}));
    if (media.echo) {
      event.transceiver.sender.replaceTrack(event.track).catch((error) => emit("error", {message: `echo of ${event.track.kind}: ${describe(error)}`}));
    }
  });
}

// A check that the renaming in loopbackOnly holds: the pair in use is 127.0.0.1 on both ends. Were it not
// (Chromium enumerating interfaces after all, and a far side answering checks from another address), the
// log says so, so a cell's report shows it; the page has no way to steer Chromium's choice of pair.
let watchedIceTransport = null;
function watchSelectedPair() {
  const iceTransport = pc.sctp?.transport?.iceTransport;
  if (!iceTransport || iceTransport === watchedIceTransport) return;
  watchedIceTransport = iceTransport;
  iceTransport.addEventListener("selectedcandidatepairchange", () => {
    const pair = iceTransport.getSelectedCandidatePair();
    if (!pair) return;
    const ends = `${pair.local.address}:${pair.local.port} -> ${pair.remote.address}:${pair.remote.port}`;
    if (pair.local.address !== LOOPBACK || pair.remote.address !== LOOPBACK) {
      log(`the selected candidate pair is not loopback on both ends: ${ends} (local ${pair.local.type}, remote ${pair.remote.type})`, "error");
    } else {
      log(`selected candidate pair ${ends}`);
    }
  });
}

// Wires a channel (ours or the far side's) to the protocol's events and to echo and bulk.
function adopt(dc) {
  dc.binaryType = "arraybuffer";  // binary messages as ArrayBuffer, not Blob: synchronous to read and echo
  const entry = {dc, openAnnounced: false, closedAnnounced: false, bulk: null};
  channels.set(dc.label, entry);
  const announceOpen = () => {
    // A channel the far side announced can already be open when the datachannel event fires; say it once.
    if (entry.openAnnounced) return;
    entry.openAnnounced = true;
    emit("open", {label: dc.label, channelId: dc.id});
  };
  dc.addEventListener("open", announceOpen);
  if (dc.readyState === "open") announceOpen();
  dc.addEventListener("message", (event) => receive(entry, event.data));
  dc.addEventListener("close", () => announceClosed(entry));
  dc.addEventListener("error", (event) => {
    // Chromium reports a channel torn down by the transport (or reset with an error) here; the close event
    // follows and says what the driver needs, so this is kept for the log.
    log(`channel ${dc.label}: ${event.error ? describe(event.error) : "error"}`);
  });
}

function announceClosed(entry) {
  if (entry.closedAnnounced) return;
  entry.closedAnnounced = true;
  emit("closed", {label: entry.dc.label});
  if (entry.bulk) entry.bulk.fail(new Error(`channel ${entry.dc.label} closed during the bulk`));
}

function receive(entry, data) {
  const binary = data instanceof ArrayBuffer;
  if (binary && entry.bulk) {
    entry.bulk.receive(data);
  } else if (echoing) {
    // Back as it came: a string is sent as text, an ArrayBuffer as binary.
    if (entry.dc.readyState !== "open") return;
    try {
      entry.dc.send(data);
    } catch (error) {
      emit("error", {message: `echo on ${entry.dc.label}: ${describe(error)}`});
    }
  } else if (binary) {
    emit("message", {label: entry.dc.label, binary: toBase64(data)});
  } else {
    emit("message", {label: entry.dc.label, text: data});
  }
}

function channel(label, mustBeOpen = true) {
  const entry = channels.get(label);
  if (!entry) throw new Error(`no channel labelled ${JSON.stringify(label)}`);
  if (mustBeOpen && entry.dc.readyState !== "open") {
    throw new Error(`channel ${JSON.stringify(label)} is ${entry.dc.readyState}, not open`);
  }
  return entry;
}

// MARK: - Descriptions: gathering, and loopback only

// The candidate's connection address is its fifth field: "a=candidate:foundation component transport
// priority address port typ ...".
function candidateAddress(line) {
  return line.split(" ")[4];
}

// The wire sees only 127.0.0.1 candidates, in both directions: the far side must never send anywhere else,
// and Chromium must never be told to.
//
// Chromium gathers on every interface only for a page that may capture media (this one never asks). Without
// that it binds one wildcard socket per address family (0.0.0.0:P) and names its candidate by the address
// of the default route (say 192.0.2.2:P): that socket receives on 127.0.0.1:P as well, and what it sends to
// a 127.0.0.1 candidate leaves from 127.0.0.1:P. So in a local description such an IPv4 UDP host candidate is
// renamed 127.0.0.1 (the far side then sees the checks come from exactly the candidate it was given), and
// every other non-loopback candidate is dropped. If Chromium did enumerate interfaces (a real 127.0.0.1
// candidate is there: sockets bound to each address), nothing is renamed, as a socket bound to 192.0.2.2
// does not receive on 127.0.0.1. In a remote description non-loopback candidates are only dropped.
// A connection line naming another address is pointed at loopback too, with the media port of the
// section's first loopback candidate, so the description names no other address anywhere.
function loopbackOnly(sdp, whose) {
  const dropped = [], renamed = [];
  const sections = [[]];  // the session part, then one per m= line
  for (const line of sdp.split(/\r?\n/)) {
    if (line === "") continue;
    if (line.startsWith("m=")) sections.push([]);
    sections[sections.length - 1].push(line);
  }
  const out = [];
  for (const lines of sections) {
    const enumerated = lines.some((line) => line.startsWith("a=candidate:") && candidateAddress(line) === LOOPBACK);
    const section = [];
    for (const line of lines) {
      if (!line.startsWith("a=candidate:") || candidateAddress(line) === LOOPBACK) {
        section.push(line);
        continue;
      }
      const fields = line.split(" ");
      const wildcard = whose === "local" && !enumerated && fields[2].toLowerCase() === "udp" &&
        fields[4].includes(".") && fields[7] === "host";
      if (wildcard) {
        renamed.push(`${fields[4]}:${fields[5]}`);
        fields[4] = LOOPBACK;
        section.push(fields.join(" "));
      } else {
        dropped.push(line.slice(2));
      }
    }
    const candidate = section.find((line) => line.startsWith("a=candidate:") && / udp /i.test(line));
    const connection = section.find((line) => line.startsWith("c="));
    const address = connection ? connection.split(" ")[2] : LOOPBACK;
    const redirect = address !== LOOPBACK && address !== "0.0.0.0";
    for (let line of section) {
      if (redirect && line.startsWith("c=")) line = `c=IN IP4 ${LOOPBACK}`;
      if (redirect && line.startsWith("m=")) {
        const fields = line.split(" ");
        fields[1] = candidate ? candidate.split(" ")[5] : "9";  // 9, the discard port: "no default candidate"
        line = fields.join(" ");
      }
      out.push(line);
    }
  }
  if (renamed.length) log(`${whose} description: wildcard candidates ${renamed.join(", ")} renamed ${LOOPBACK}`);
  if (dropped.length) log(`${whose} description: dropped non-loopback candidates: ${dropped.join(" | ")}`);
  return out.join("\r\n") + "\r\n";
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Waits (at most 10 s) until the local description is complete: gathering finished, with this generation's
// candidates in it. A state of "complete" alone is not enough: right after an ICE restart's
// setLocalDescription it can still be the previous generation's, with no candidate in the new description.
// Polling, because gathering on loopback takes milliseconds and a few 10 ms naps are simpler than juggling
// icegatheringstatechange listeners across overlapping requests.
async function gatheredDescription() {
  const deadline = performance.now() + GATHERING_LIMIT_MS;
  const complete = () => {
    const sdp = pc.localDescription.sdp;
    if (!/^m=/m.test(sdp)) return true;  // nothing to gather for (no channel yet)
    return pc.iceGatheringState === "complete" && /^a=candidate:/m.test(sdp);
  };
  while (!complete() && performance.now() < deadline) await sleep(10);
  const description = pc.localDescription;
  if (!complete()) log(`gathering not complete after ${GATHERING_LIMIT_MS} ms (${pc.iceGatheringState}); sending what there is`, "error");
  const sdp = loopbackOnly(description.sdp, "local");
  if (/^m=/m.test(sdp) && !/^a=candidate:/m.test(sdp)) {
    throw new Error("Chromium gathered no candidate that can take 127.0.0.1 (no IPv4 UDP host candidate)");
  }
  return {type: description.type, sdp};
}

// MARK: - Bytes

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  if (bytes.toBase64) return bytes.toBase64();
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text) {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// The bulk stream: byte number i is i % 251. One period, then doubling copies: fast even for 16 MiB.
function bulkStream(length) {
  const stream = new Uint8Array(length);
  let filled = Math.min(length, 251);
  for (let i = 0; i < filled; i++) stream[i] = i;
  while (filled < length) {
    // `filled` is a whole number of periods here, so a copy of the start to it continues the pattern.
    const count = Math.min(filled, length - filled);
    stream.copyWithin(filled, 0, count);
    filled += count;
  }
  return stream;
}

function concatenate(buffers, length) {
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const buffer of buffers) {
    whole.set(new Uint8Array(buffer), offset);
    offset += buffer.byteLength;
  }
  return whole;
}

// Resolves on the channel's bufferedamountlow event, or after `ms` in case it was missed (a safety net: the
// caller looks at bufferedAmount again either way).
function bufferedAmountLow(dc, ms) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      dc.removeEventListener("bufferedamountlow", done);
      dc.removeEventListener("close", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    dc.addEventListener("bufferedamountlow", done);
    dc.addEventListener("close", done);
  });
}


// MARK: - Media (CONTROL.md addMedia, echoMedia, mediaReport)
//
// Sending: the test pattern is drawn on a canvas whose captureStream(0) yields one frame per
// requestFrame(), so every picture drawn is one frame numbered in its mark (the format is Crucible's
// FrameNumberMark doc comment: a top band of 32 cells, white for 1 and black for 0, which the capture's
// BT.601 conversion makes luma 235 and 16); the tone is a WebAudio oscillator into a
// MediaStreamDestination. (Not getUserMedia's fake devices: capture permission makes Chromium enumerate
// interfaces and pair its LAN address with loopback candidates; see chromium_peer.py.) Receiving: MediaStreamTrackProcessor hands over each
// decoded VideoFrame, drawn to a canvas and read as luma (BT.601) from its RGB pixels, and each AudioData,
// whose samples a Goertzel scan looks at; getStats() inbound-rtp gives the figures the browser counts.

const media = {
  sentAudioStart: null,  // AudioContext time the oscillator started
  audioContext: null,
  pattern: null,  // {frames}
  receptions: {},  // kind → reception
  echo: false,
  outbound: {},  // kind → a line on what this side's sender did (getStats outbound-rtp), for the report's notes
  stats: {},  // kind → {packetsReceived, packetsPerSecond, framesDecoded, frameWidth, frameHeight}
  sampler: null,
};

function markWord(number) {
  number = number % (1 << 24);
  const check = ~((number >> 16) ^ (number >> 8) ^ number) & 0xff;
  return ((number << 8) | check) >>> 0;
}

function bandHeight(height) {
  return Math.max(16, Math.floor(height / 6) & ~1);
}

function startPattern(width, height, frameRate) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0];
  const pattern = {frames: 0, track, stream};
  const band = bandHeight(height), cell = Math.floor(width / 32);
  const draw = () => {
    const number = pattern.frames;
    // Eight grey bars scrolling 4 pixels a frame, a moving ramp below: motion for the encoder.
    const shift = (number * 4) % width;
    for (let bar = 0; bar < 8; bar++) {
      const grey = 235 - bar * 27;
      context.fillStyle = `rgb(${grey},${grey},${grey})`;
      const x = (bar * width / 8 - shift + width) % width;
      context.fillRect(x, 0, width / 8 + 1, height / 2);
      context.fillRect(x - width, 0, width / 8 + 1, height / 2);
    }
    const ramp = context.createLinearGradient(-shift, 0, width - shift, 0);
    ramp.addColorStop(0, "#101010");
    ramp.addColorStop(1, "#ebebeb");
    context.fillStyle = ramp;
    context.fillRect(0, height / 2, width, height - height / 2);
    const word = markWord(number);
    for (let k = 0; k < 32; k++) {
      context.fillStyle = (word >>> (31 - k)) & 1 ? "#ffffff" : "#000000";
      context.fillRect(k * cell, 0, cell, band);
    }
    track.requestFrame();
    pattern.frames++;
  };
  draw();
  pattern.timer = setInterval(draw, 1000 / frameRate);
  return pattern;
}

async function startTone(frequency) {
  const context = new AudioContext({sampleRate: 48000});
  await context.resume();
  const oscillator = new OscillatorNode(context, {frequency});
  const gain = new GainNode(context, {gain: Math.pow(10, -10 / 20)});
  const destination = context.createMediaStreamDestination();
  oscillator.connect(gain).connect(destination);
  oscillator.start();
  media.audioContext = context;
  media.sentAudioStart = context.currentTime;
  return destination.stream;
}

function goertzelPower(samples, windowSum, frequency, sampleRate) {
  const coefficient = 2 * Math.cos(2 * Math.PI * frequency / sampleRate);
  let previous = 0, before = 0;
  for (let i = 0; i < samples.length; i++) {
    const current = samples[i] + coefficient * previous - before;
    before = previous;
    previous = current;
  }
  return Math.max(0, previous * previous + before * before - coefficient * previous * before) / (windowSum * windowSum);
}

// The strongest frequency from 100 to 4000 Hz (a 10 Hz scan refined in 1 Hz steps, Hann window), or null
// below -50 dBFS.
function dominantFrequency(samples, sampleRate) {
  if (samples.length < 480) return null;
  const windowed = new Float64Array(samples.length);
  let windowSum = 0;
  for (let i = 0; i < samples.length; i++) {
    const w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (samples.length - 1));
    windowed[i] = samples[i] * w;
    windowSum += w;
  }
  let best = 100, bestPower = -1;
  for (let f = 100; f <= 4000; f += 10) {
    const power = goertzelPower(windowed, windowSum, f, sampleRate);
    if (power > bestPower) { best = f; bestPower = power; }
  }
  for (let f = best - 10; f <= best + 10; f += 1) {
    const power = goertzelPower(windowed, windowSum, f, sampleRate);
    if (power > bestPower) { best = f; bestPower = power; }
  }
  return 2 * Math.sqrt(bestPower) < Math.pow(10, -50 / 20) ? null : best;
}

function newReception(kind) {
  return {kind, frames: 0, decoded: 0, width: null, height: null, recent: [], sampleRate: 48000,
    first: null, last: null, count: 0, inOrder: 0, highest: null, numbers: new Set()};
}

// The frame number in a picture's mark (FrameNumberMark's "Reading" rule) from RGB pixels, as BT.601 luma.
function readMark(pixels, width, height) {
  if (width < 64 || height < 48) return null;
  const band = bandHeight(height), cell = Math.floor(width / 32);
  const columns = Math.max(1, Math.floor(cell / 2)), rows = Math.floor(band / 2), top = Math.floor(band / 4);
  let word = 0;
  for (let k = 0; k < 32; k++) {
    let sum = 0;
    const left = k * cell + Math.floor(cell / 4);
    for (let row = top; row < top + rows; row++) {
      for (let x = left; x < left + columns; x++) {
        const i = (row * width + x) * 4;
        sum += 0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2];
      }
    }
    word = ((word << 1) | (sum > 128 * rows * columns ? 1 : 0)) >>> 0;
  }
  const number = word >>> 8;
  return markWord(number) === word ? number : null;
}

function takeNumber(reception, number) {
  if (reception.first === null) reception.first = number;
  reception.last = number;
  reception.count++;
  if (reception.highest === null || number > reception.highest) {
    reception.inOrder++;
    reception.highest = number;
  }
  if (reception.numbers.size < (1 << 16)) reception.numbers.add(number);
}

async function receiveTrack(track) {
  const reception = media.receptions[track.kind] ??= newReception(track.kind);
  // Chromium decodes remote audio only while something plays it out: a muted page still needs the element.
  if (track.kind === "audio") {
    const element = new Audio();
    element.srcObject = new MediaStream([track]);
    element.play().catch((error) => log(`audio element: ${describe(error)}`));
    media.audioElement = element;
  }
  const reader = new MediaStreamTrackProcessor({track}).readable.getReader();
  const canvas = new OffscreenCanvas(1, 1);
  const context = canvas.getContext("2d", {willReadFrequently: true});
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    try {
      reception.frames++;
      reception.decoded++;
      if (track.kind === "video") {
        const width = value.displayWidth, height = value.displayHeight;
        reception.width = width;
        reception.height = height;
        if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; }
        context.drawImage(value, 0, 0);
        const band = bandHeight(height);
        const number = readMark(context.getImageData(0, 0, width, band).data, width, height);
        if (number !== null) takeNumber(reception, number);
      } else {
        const samples = new Float32Array(value.numberOfFrames);
        value.copyTo(samples, {planeIndex: 0, format: "f32-planar"});
        reception.sampleRate = value.sampleRate;
        // Full scale is 1.0 here: scaled to 16-bit units so the -50 dBFS floor matches the other peers'.
        reception.recent.push(Array.from(samples, (x) => x * 32767));
        const keep = Math.ceil(0.1 * value.sampleRate / Math.max(1, value.numberOfFrames));
        if (reception.recent.length > keep) reception.recent.splice(0, reception.recent.length - keep);
      }
    } finally {
      value.close();
    }
  }
}

// The latest inbound-rtp figures per kind; packets/s over the last whole second (a baseline moved at most
// once a second, so a report asked for right after a sample still gets a rate over a second).
async function sampleStats() {
  const report = await pc.getStats();
  const now = performance.now();
  report.forEach((entry) => {
    if (entry.type === "outbound-rtp") {
      media.outbound[entry.kind] = `${entry.kind} out: ${entry.framesEncoded ?? entry.packetsSent} ${entry.framesEncoded !== undefined ? "frames" : "packets"}` +
        (entry.kind === "video" ? ` encoded at ${entry.frameWidth}x${entry.frameHeight}, ${entry.framesSent} sent, limited by ${entry.qualityLimitationReason}, ` +
          `target ${Math.round((entry.targetBitrate ?? 0) / 1000)} kbit/s, ${entry.encoderImplementation}` : "");
      return;
    }
    if (entry.type !== "inbound-rtp") return;
    const figures = media.stats[entry.kind] ??= {baseline: {at: now, packets: entry.packetsReceived ?? 0}};
    figures.packetsReceived = entry.packetsReceived ?? 0;
    figures.framesReceived = entry.framesReceived;
    figures.framesDecoded = entry.framesDecoded;
    figures.frameWidth = entry.frameWidth;
    figures.frameHeight = entry.frameHeight;
    if (now - figures.baseline.at >= 900) {
      figures.packetsPerSecond = (figures.packetsReceived - figures.baseline.packets) * 1000 / (now - figures.baseline.at);
      figures.baseline = {at: now, packets: figures.packetsReceived};
    }
  });
}

function startStatsSampler() {
  if (media.sampler) return;
  // Once a second, so packets/s is a rate over the last second whenever a report is asked for.
  media.sampler = setInterval(() => sampleStats().catch((error) => log(`getStats: ${describe(error)}`)), 1000);
}

function mediaReport() {
  const sent = {
    audio: media.audioContext ? Math.floor((media.audioContext.currentTime - media.sentAudioStart) / 0.02) : 0,
    video: media.pattern ? media.pattern.frames : 0,
  };
  const result = {sent};
  if (Object.keys(media.outbound).length) result.notes = Object.values(media.outbound).join("; ");
  for (const [kind, reception] of Object.entries(media.receptions)) {
    const stats = media.stats[kind];
    const figures = stats ? {packetsReceived: stats.packetsReceived, packetsPerSecond: stats.packetsPerSecond ?? null,
      framesDecoded: stats.framesDecoded ?? null, frameWidth: stats.frameWidth ?? null, frameHeight: stats.frameHeight ?? null} : null;
    if (kind === "audio") {
      const samples = reception.recent.flat();
      // RTP packets as the browser counts them; the decoded count is in AudioData chunks (10 ms in Chromium).
      result.audio = {packets: stats ? stats.packetsReceived : 0, decoded: reception.decoded,
        frequency: dominantFrequency(samples, reception.sampleRate), stats: figures};
    } else {
      let numbers = null;
      if (reception.count > 0) {
        let lowest = Infinity, highest = -Infinity;
        for (const n of reception.numbers) { lowest = Math.min(lowest, n); highest = Math.max(highest, n); }
        numbers = {first: reception.first, last: reception.last, count: reception.count, inOrder: reception.inOrder,
          outOfOrder: reception.count - reception.inOrder, missing: highest - lowest + 1 - reception.numbers.size};
      }
      result.video = {frames: stats?.framesReceived ?? reception.frames, decoded: reception.decoded,
        width: reception.width, height: reception.height, numbers, stats: figures};
    }
  }
  return result;
}

// echoMedia: each transceiver sends (sendrecv) and its sender carries the track its receiver got.
function prepareEcho(offering) {
  if (!media.echo) return;
  if (offering) {
    // An echoing offerer cannot know what will come: one sendrecv transceiver of each kind.
    for (const kind of ["audio", "video"]) {
      if (!pc.getTransceivers().some((t) => t.receiver.track.kind === kind)) pc.addTransceiver(kind, {direction: "sendrecv"});
    }
  }
  for (const transceiver of pc.getTransceivers()) {
    if (transceiver.stopped || transceiver.mid === null && !offering) continue;
    if (transceiver.receiver.track.kind === "application") continue;
    transceiver.direction = "sendrecv";
  }
}

// MARK: - Commands

function integerOrNull(value, name) {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer or null`);
  return value;
}

const commands = {
  async createOffer(request) {
    prepareEcho(true);
    const offer = await pc.createOffer({iceRestart: request.iceRestart === true});
    await pc.setLocalDescription(offer);
    return await gatheredDescription();
  },

  async createAnswer() {
    prepareEcho(false);
    await pc.setLocalDescription(await pc.createAnswer());
    return await gatheredDescription();
  },

  async setRemoteDescription(request) {
    if (request.type !== "offer" && request.type !== "answer") throw new Error(`type must be "offer" or "answer", not ${JSON.stringify(request.type)}`);
    if (typeof request.sdp !== "string") throw new Error("sdp must be a string");
    await pc.setRemoteDescription({type: request.type, sdp: loopbackOnly(request.sdp, "remote")});
    return {};
  },

  createDataChannel(request) {
    if (typeof request.label !== "string") throw new Error("label must be a string");
    if (channels.has(request.label)) throw new Error(`a channel labelled ${JSON.stringify(request.label)} exists already`);
    const options = {ordered: request.ordered !== false, protocol: request.protocol ?? "", negotiated: request.negotiated === true};
    const maxRetransmits = integerOrNull(request.maxRetransmits, "maxRetransmits");
    const maxPacketLifeTime = integerOrNull(request.maxPacketLifeTime, "maxPacketLifeTime");
    const id = integerOrNull(request.channelId, "channelId");
    // Only the options given: Chromium takes a present null as 0, and refuses both limits together.
    if (maxRetransmits !== null) options.maxRetransmits = maxRetransmits;
    if (maxPacketLifeTime !== null) options.maxPacketLifeTime = maxPacketLifeTime;
    if (id !== null) options.id = id;
    adopt(pc.createDataChannel(request.label, options));
    return {};
  },

  send(request) {
    const {dc} = channel(request.label);
    if (typeof request.text === "string") {
      dc.send(request.text);
    } else if (typeof request.binary === "string") {
      dc.send(fromBase64(request.binary));
    } else {
      throw new Error("send needs text (a string) or binary (base64)");
    }
    return {};
  },

  closeChannel(request) {
    channel(request.label, false).dc.close();
    return {};
  },

  echo() {
    echoing = true;  // every message from now on, on every channel, including ones not opened yet
    return {};
  },

  async bulk(request) {
    const entry = channel(request.label);
    const total = request.bytes, chunk = request.chunk;
    if (!Number.isInteger(total) || total < 0) throw new Error("bytes must be a non-negative integer");
    if (!Number.isInteger(chunk) || chunk <= 0) throw new Error("chunk must be a positive integer");
    if (entry.bulk) throw new Error(`a bulk is already running on ${JSON.stringify(request.label)}`);
    const dc = entry.dc;
    const stream = bulkStream(total);
    const received = [];
    let receivedBytes = 0;
    let finish, fail;
    const allBack = new Promise((resolve, reject) => { finish = resolve; fail = reject; });
    allBack.catch(() => {});  // a close while still sending is reported by the await below, not as unhandled
    entry.bulk = {
      receive(data) {
        received.push(data);
        receivedBytes += data.byteLength;
        if (receivedBytes >= total) finish();
      },
      fail,
    };
    // The low event fires when the buffer drains to where the next chunk fits under the limit again.
    dc.bufferedAmountLowThreshold = Math.max(0, BULK_BUFFER_LIMIT - chunk);
    const started = performance.now();
    try {
      if (total === 0) finish();
      for (let offset = 0; offset < total;) {
        const size = Math.min(chunk, total - offset);
        // A chunk larger than the limit itself goes when the buffer is empty: the closest there is.
        while (dc.readyState === "open" && dc.bufferedAmount > 0 && dc.bufferedAmount + size > BULK_BUFFER_LIMIT) {
          await bufferedAmountLow(dc, 100);
        }
        if (dc.readyState !== "open") throw new Error(`channel ${JSON.stringify(request.label)} is ${dc.readyState} after ${offset} of ${total} bytes were sent`);
        dc.send(stream.subarray(offset, offset + size));
        offset += size;
      }
      await allBack;
    } catch (error) {
      throw new Error(`${describe(error)} (${receivedBytes} of ${total} bytes came back)`);
    } finally {
      entry.bulk = null;
    }
    const seconds = (performance.now() - started) / 1000;
    const [sha256, sentSha256] = await Promise.all([sha256Hex(concatenate(received, receivedBytes)), sha256Hex(stream)]);
    return {bytes: receivedBytes, seconds, sha256, sentSha256};
  },

  async addMedia(request) {
    const streams = [];
    const video = request.video ?? null;
    if (video !== null && !(Number.isInteger(video.width) && Number.isInteger(video.height) && Number.isInteger(video.frameRate) &&
        video.width >= 64 && video.height >= 48 && video.frameRate >= 1 && video.frameRate <= 60)) {
      throw new Error("video needs integer width ≥ 64, height ≥ 48 and frameRate 1 … 60");
    }
    if (request.audio === true) streams.push(await startTone(typeof request.frequency === "number" ? request.frequency : 440));
    if (video) {
      media.pattern = startPattern(video.width, video.height, video.frameRate);
      streams.push(media.pattern.stream);
    }
    const stream = new MediaStream(streams.flatMap((s) => s.getTracks()));
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    startStatsSampler();
    return {};
  },

  echoMedia() {
    media.echo = true;
    startStatsSampler();
    return {};
  },

  async mediaReport() {
    await sampleStats();
    return mediaReport();
  },

  close() {
    closePeerConnection();
    return {};
  },
};

// Chromium fires neither connectionstatechange nor the channels' close events when close() is called (as
// the specification says); the other stacks' peers do report both, and the driver should not have to know
// which kind it talks to, so they are announced here.
function closePeerConnection() {
  if (pc.signalingState === "closed") return;
  pc.close();
  for (const entry of channels.values()) {
    if (entry.dc.readyState === "closed") announceClosed(entry);
  }
  if (lastConnectionState !== "closed") {
    lastConnectionState = "closed";
    emit("connectionState", {value: "closed"});
  }
}

// Every request runs on its own: they may overlap (a bulk runs while an ICE restart is negotiated), and
// each gets exactly one reply, by its id.
function dispatch(request) {
  if (request.control === "close") {
    // The controller's own request at the driver's end of file: close, confirm, stop polling.
    try { closePeerConnection(); } catch (error) { log(`close: ${describe(error)}`, "error"); }
    post({control: "closed"});
    return false;
  }
  const id = request.id;
  const command = Object.hasOwn(commands, request.cmd) ? commands[request.cmd] : null;
  if (!command) {
    post({reply: id, ok: false, error: `unknown cmd ${JSON.stringify(request.cmd)}`});
    return true;
  }
  Promise.resolve()
    .then(() => command(request))
    .then(
      (result) => post({reply: id, ok: true, ...result}),
      (error) => post({reply: id, ok: false, error: `${request.cmd}: ${describe(error)}`}),
    );
  return true;
}

// MARK: - The way in: the long poll

async function pollForever() {
  let failures = 0;
  for (;;) {
    let requests;
    try {
      const response = await fetch("poll", {cache: "no-store"});
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      requests = await response.json();
      failures = 0;
    } catch (error) {
      // The controller goes away at shutdown; before that a failed poll is retried a while.
      if (++failures > 50) return;
      await sleep(100);
      continue;
    }
    for (const request of requests) {
      if (!dispatch(request)) return;
    }
  }
}

async function version() {
  // The full version (156.0.8078.129) from the client hints; the user agent string only carries the major one.
  try {
    const hints = await navigator.userAgentData.getHighEntropyValues(["fullVersionList"]);
    const brand = hints.fullVersionList.find((entry) => entry.brand === "Chromium");
    if (brand) return brand.version;
  } catch (error) {
    log(`client hints: ${describe(error)}`);
  }
  const match = /Chrome\/([\d.]+)/.exec(navigator.userAgent);
  return match ? match[1] : "unknown";
}

(async () => {
  makePeerConnection();
  document.getElementById("status").textContent = "running";
  emit("ready", {stack: "chromium", version: await version()});
  await pollForever();
})();
