/// The browser end of `crucible echo serve`: one self-contained HTML page (inline CSS and JavaScript, no
/// outside resource) that the signaling server serves at `GET /`.
///
/// Opened in any browser, it offers to the server that served it (`POST /offer` on the same origin,
/// non-trickle: the offer goes once ICE gathering is complete, as webrtc-echoes clients do), opens a data
/// channel and sends one text message every 500 ms, timing each echo. It shows, live: the round-trip
/// times (last, min/median/max, a chart of the last 120), the connection's `connectionState`,
/// `iceConnectionState`, `iceGatheringState` and `signalingState` and the channel's `readyState`, and its
/// `getStats()` (webrtc-stats): the selected candidate pair and its current RTT, the transport's bytes
/// and packets and DTLS parameters, and the data channel counts.
///
/// Media: the page asks for the camera and microphone (`getUserMedia`, at most 3 s; without them it goes on
/// with the data channel alone), sends both, and shows the camera preview beside the video the server echoes
/// back, with the media statistics (outbound and inbound RTP, frames, sizes, loss, jitter, round trip).
///
/// For tools: `window.crucibleEcho` holds the same figures as plain values (`sent`, `echoes`, `lastRtt`,
/// `channelState`, `connectionState`, `iceConnectionState`, `signalingState`, `statsUpdates`, `errors`,
/// and `media`: `sending` (kinds), `echoedTracks`, `framesDecoded`, `frameWidth`, `frameHeight`).
public enum EchoPage {
    /// The page's HTML.
    public static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Crucible echo</title>
        <style>
        :root { --bg: #f4f5f7; --card: #fff; --ink: #1b2230; --muted: #5f6b7d; --line: #e2e5ea;
                --good: #0e7a53; --goodbg: #d9f6e7; --wait: #9a5a00; --waitbg: #fdf0cf; --bad: #b42318; --badbg: #fde3e0;
                --accent: #3057d5; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
               background: var(--bg); color: var(--ink); }
        header { background: var(--ink); color: #fff; padding: 14px 24px; display: flex; align-items: center; gap: 16px; }
        header h1 { font-size: 20px; margin: 0; font-weight: 650; }
        header .where { color: #c5cad3; font-size: 13px; flex: 1; }
        main { padding: 16px 24px 24px; display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 14px; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; min-width: 0; }
        .card h2 { font-size: 12px; letter-spacing: .07em; text-transform: uppercase; color: var(--muted); margin: 0 0 6px; font-weight: 600; }
        .wide { grid-column: span 2; }
        .big { font-size: 36px; font-weight: 650; font-variant-numeric: tabular-nums; line-height: 1.2; }
        .unit { font-size: 16px; color: var(--muted); font-weight: 400; }
        .note { color: var(--muted); font-size: 13px; }
        table { width: 100%; border-collapse: collapse; }
        td { padding: 2px 0; vertical-align: top; }
        td:first-child { color: var(--muted); padding-right: 10px; white-space: nowrap; }
        td:last-child { text-align: right; font: 13px/1.6 ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
        .pill { display: inline-block; padding: 0 9px; border-radius: 999px; font: 600 13px/1.6 system-ui, sans-serif; }
        .good { background: var(--goodbg); color: var(--good); }
        .wait { background: var(--waitbg); color: var(--wait); }
        .bad { background: var(--badbg); color: var(--bad); }
        canvas { width: 100%; height: 150px; display: block; }
        .videos { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
        video { width: 100%; aspect-ratio: 4 / 3; background: #1b2230; border-radius: 6px; display: block; }
        figure { margin: 0; } figcaption { color: var(--muted); font-size: 12px; margin-top: 2px; }
        #log { font: 12px/1.5 ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); height: 150px; overflow: auto; white-space: pre-wrap; }
        </style>
        </head>
        <body>
        <header><h1>Crucible echo</h1><span class="where" id="where">starting</span><span class="pill wait" id="overall">connecting</span></header>
        <main>
          <section class="card"><h2>Round trip</h2>
            <div class="big"><span id="rtt">–</span><span class="unit"> ms</span></div>
            <div class="note" id="rttSummary">waiting for the first echo</div></section>
          <section class="card"><h2>Echoes</h2>
            <div class="big" id="echoes">0</div>
            <div class="note" id="echoSummary">one message every 500 ms</div></section>
          <section class="card"><h2>States</h2><table id="states"></table></section>
          <section class="card wide"><h2>Round-trip times, last 120 echoes</h2><canvas id="chart" width="1240" height="300"></canvas></section>
          <section class="card"><h2>Candidate pair</h2><table id="pair"></table></section>
          <section class="card"><h2>Transport</h2><table id="transport"></table></section>
          <section class="card"><h2>Data channels</h2><table id="channels"></table></section>
          <section class="card wide"><h2>Camera and its echo</h2><div class="videos">
            <figure><video id="preview" autoplay muted playsinline></video><figcaption id="previewNote">camera: asking</figcaption></figure>
            <figure><video id="echoed" autoplay playsinline></video><figcaption id="echoedNote">echo: waiting</figcaption></figure></div></section>
          <section class="card"><h2>Media</h2><table id="media"></table></section>
          <section class="card"><h2>Log</h2><div id="log"></div></section>
        </main>
        <script>
        "use strict";
        const echo = { sent: 0, echoes: 0, lastRtt: null, rtts: [], channelState: "new", connectionState: "new",
                       iceConnectionState: "new", signalingState: "stable", iceGatheringState: "new", statsUpdates: 0, errors: [],
                       media: { sending: [], echoedTracks: 0, framesDecoded: 0, frameWidth: null, frameHeight: null } };
        window.crucibleEcho = echo;
        const byId = (id) => document.getElementById(id);
        const escape = (value) => String(value ?? "–").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
        const tone = (state) => ["connected", "open", "stable", "complete", "succeeded"].includes(state) ? "good"
          : ["failed", "closed", "disconnected"].includes(state) ? "bad" : "wait";
        const pill = (state) => `<span class="pill ${tone(state)}">${escape(state)}</span>`;
        const bytes = (n) => n === undefined ? "–" : n < 10240 ? `${n} B` : n < 10485760 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
        const ms = (seconds) => seconds === undefined ? "–" : `${(seconds * 1000).toFixed(1)} ms`;
        function rows(id, pairs) {
          byId(id).innerHTML = pairs.map(([name, value, raw]) => `<tr><td>${escape(name)}</td><td>${raw ? value : escape(value)}</td></tr>`).join("");
        }
        function log(message) {
          const line = `${new Date().toISOString().slice(11, 23)}  ${message}\n`;
          byId("log").textContent = line + byId("log").textContent;
        }
        function fail(message) {
          echo.errors.push(message);
          log(`error: ${message}`);
          byId("overall").className = "pill bad";
          byId("overall").textContent = "failed";
        }

        const pc = new RTCPeerConnection();
        const channel = pc.createDataChannel("crucible-echo-page");
        const pending = new Map();
        const echoed = new MediaStream();
        pc.addEventListener("track", (event) => {
          echoed.addTrack(event.track);
          echo.media.echoedTracks += 1;
          byId("echoed").srcObject = echoed;
          byId("echoedNote").textContent = `echo: ${echoed.getTracks().map((t) => t.kind).join(" + ")} from the server`;
          log(`echoed ${event.track.kind} track`);
        });

        // The camera and microphone, if the browser gives them within 3 s; the echo works without them.
        async function addMedia() {
          if (!navigator.mediaDevices?.getUserMedia) { byId("previewNote").textContent = "camera: not available here"; return; }
          try {
            const stream = await Promise.race([
              navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } }),
              new Promise((_, reject) => setTimeout(() => reject(new Error("no answer in 3 s")), 3000)),
            ]);
            for (const track of stream.getTracks()) { pc.addTrack(track, stream); echo.media.sending.push(track.kind); }
            byId("preview").srcObject = stream;
            byId("previewNote").textContent = `camera: sending ${echo.media.sending.join(" + ")}`;
          } catch (error) {
            byId("previewNote").textContent = `camera: ${error.message ?? error} (data channel only)`;
            log(`getUserMedia: ${error.message ?? error}`);
          }
        }

        function renderStates() {
          for (const name of ["connectionState", "iceConnectionState", "iceGatheringState", "signalingState"]) echo[name] = pc[name];
          echo.channelState = channel.readyState;
          rows("states", [
            ["connection", pill(pc.connectionState), true], ["ICE connection", pill(pc.iceConnectionState), true],
            ["ICE gathering", pill(pc.iceGatheringState), true], ["signaling", pill(pc.signalingState), true],
            ["data channel", pill(channel.readyState), true],
          ]);
          if (!echo.errors.length) {
            const overall = channel.readyState === "open" ? "echoing" : pc.connectionState;
            byId("overall").className = `pill ${tone(channel.readyState === "open" ? "open" : pc.connectionState)}`;
            byId("overall").textContent = overall;
          }
        }
        for (const event of ["connectionstatechange", "iceconnectionstatechange", "icegatheringstatechange", "signalingstatechange"]) {
          pc.addEventListener(event, () => { renderStates(); log(`${event.replace("statechange", "")}: ${pc[{
            connectionstatechange: "connectionState", iceconnectionstatechange: "iceConnectionState",
            icegatheringstatechange: "iceGatheringState", signalingstatechange: "signalingState" }[event]]}`); });
        }

        function renderRtt() {
          const sorted = [...echo.rtts].sort((a, b) => a - b);
          byId("rtt").textContent = echo.lastRtt.toFixed(1);
          byId("rttSummary").textContent = `min ${sorted[0].toFixed(1)} · median ${sorted[sorted.length >> 1].toFixed(1)} · max ${sorted[sorted.length - 1].toFixed(1)} ms`;
          byId("echoes").textContent = echo.echoes;
          byId("echoSummary").textContent = `${echo.sent} sent, ${echo.sent - echo.echoes} awaiting, one every 500 ms`;
          const canvas = byId("chart"), g = canvas.getContext("2d"), w = canvas.width, h = canvas.height, pad = 36;
          g.clearRect(0, 0, w, h);
          const top = Math.max(1, sorted[sorted.length - 1] * 1.2);
          g.strokeStyle = "#e2e5ea"; g.fillStyle = "#5f6b7d"; g.font = "22px system-ui, sans-serif"; g.lineWidth = 2;
          for (const fraction of [0, 0.5, 1]) {
            const y = h - pad - (h - 2 * pad) * fraction;
            g.beginPath(); g.moveTo(70, y); g.lineTo(w - 10, y); g.stroke();
            g.fillText(`${(top * fraction).toFixed(1)}`, 4, y + 7);
          }
          g.strokeStyle = "#3057d5"; g.lineWidth = 4; g.beginPath();
          echo.rtts.forEach((rtt, i) => {
            const x = 70 + (w - 80) * (echo.rtts.length === 1 ? 1 : i / (echo.rtts.length - 1));
            const y = h - pad - (h - 2 * pad) * (rtt / top);
            i ? g.lineTo(x, y) : g.moveTo(x, y);
          });
          g.stroke();
        }

        channel.addEventListener("open", () => {
          renderStates();
          log("data channel open");
          const tick = () => {
            if (channel.readyState !== "open") return;
            const text = `echo ${++echo.sent} ${Date.now()}`;
            pending.set(text, performance.now());
            channel.send(text);
          };
          tick();
          setInterval(tick, 500);
        });
        channel.addEventListener("close", () => { renderStates(); log("data channel closed"); });
        channel.addEventListener("message", (event) => {
          const sentAt = pending.get(event.data);
          if (sentAt === undefined) { log(`unexpected message: ${String(event.data).slice(0, 60)}`); return; }
          pending.delete(event.data);
          echo.lastRtt = performance.now() - sentAt;
          echo.echoes += 1;
          echo.rtts.push(echo.lastRtt);
          if (echo.rtts.length > 120) echo.rtts.shift();
          renderRtt();
        });

        async function refreshStats() {
          const report = await pc.getStats();
          let transport, pair, peer;
          const channels = [];
          const rtp = { out: {}, in: {}, remote: {} };
          report.forEach((s) => {
            if (s.type === "outbound-rtp") rtp.out[s.kind] = s;
            if (s.type === "inbound-rtp") rtp.in[s.kind] = s;
            if (s.type === "remote-inbound-rtp") rtp.remote[s.kind] = s;
            if (s.type === "transport") transport = s;
            if (s.type === "peer-connection") peer = s;
            if (s.type === "data-channel") channels.push(s);
          });
          if (transport?.selectedCandidatePairId) pair = report.get(transport.selectedCandidatePairId);
          if (!pair) report.forEach((s) => { if (s.type === "candidate-pair" && (s.selected || s.nominated) && s.state === "succeeded") pair ??= s; });
          const local = pair && report.get(pair.localCandidateId), remote = pair && report.get(pair.remoteCandidateId);
          const where = (c) => c ? `${c.address ?? c.ip}:${c.port} ${c.candidateType}` : "–";
          rows("pair", [
            ["local", where(local)], ["remote", where(remote)], ["state", pair ? pill(pair.state) : "–", !!pair],
            ["current RTT", ms(pair?.currentRoundTripTime)], ["checks", pair ? `${pair.requestsSent ?? 0} sent, ${pair.responsesReceived ?? 0} answered` : "–"],
            ["bytes", pair ? `${bytes(pair.bytesSent)} out, ${bytes(pair.bytesReceived)} in` : "–"],
          ]);
          rows("transport", [
            ["bytes sent", bytes(transport?.bytesSent)], ["bytes received", bytes(transport?.bytesReceived)],
            ["packets", transport ? `${transport.packetsSent ?? "–"} out, ${transport.packetsReceived ?? "–"} in` : "–"],
            ["DTLS", transport ? `${transport.dtlsState ?? "–"}, ${transport.dtlsRole ?? "–"}` : "–"],
            // Long IANA names break at their underscores, not mid-word.
            ["cipher", escape(transport?.dtlsCipher ?? "–").replaceAll("_", "_<wbr>"), true],
          ]);
          const mine = channels.find((c) => c.label === channel.label) ?? {};
          rows("channels", [
            ["opened / closed", peer ? `${peer.dataChannelsOpened} / ${peer.dataChannelsClosed}` : "–"],
            ["this channel", `${mine.label ?? channel.label} (id ${mine.dataChannelIdentifier ?? channel.id ?? "–"})`],
            ["messages", `${mine.messagesSent ?? 0} sent, ${mine.messagesReceived ?? 0} received`],
            ["bytes", `${bytes(mine.bytesSent ?? 0)} sent, ${bytes(mine.bytesReceived ?? 0)} received`],
          ]);
          const video = rtp.in.video, audio = rtp.in.audio;
          if (video) Object.assign(echo.media, { framesDecoded: video.framesDecoded ?? 0, frameWidth: video.frameWidth ?? null, frameHeight: video.frameHeight ?? null });
          const size = (s) => s?.frameWidth ? `${s.frameWidth}×${s.frameHeight}` : "–";
          rows("media", [
            ["video out", rtp.out.video ? `${rtp.out.video.framesEncoded ?? 0} frames, ${size(rtp.out.video)}, ${bytes(rtp.out.video.bytesSent)}` : "–"],
            ["video back", video ? `${video.framesDecoded ?? 0} decoded, ${size(video)}, ${video.packetsLost ?? 0} lost` : "–"],
            ["audio out", rtp.out.audio ? `${rtp.out.audio.packetsSent ?? 0} packets` : "–"],
            ["audio back", audio ? `${audio.packetsReceived ?? 0} packets, jitter ${ms(audio.jitter)}` : "–"],
            ["round trip", ms((rtp.remote.video ?? rtp.remote.audio)?.roundTripTime)],
          ]);
          echo.statsUpdates += 1;
        }

        async function start() {
          byId("where").textContent = `offering to ${location.origin}/offer`;
          renderStates();
          await addMedia();
          await pc.setLocalDescription(await pc.createOffer());
          // Non-trickle, as webrtc-echoes servers expect: the offer goes with every candidate in it.
          if (pc.iceGatheringState !== "complete") {
            await new Promise((resolve) => {
              pc.addEventListener("icegatheringstatechange", () => { if (pc.iceGatheringState === "complete") resolve(); });
              setTimeout(resolve, 5000);
            });
          }
          const reply = await fetch("/offer", { method: "POST", headers: { "Content-Type": "application/json" },
                                                body: JSON.stringify({ type: "offer", sdp: pc.localDescription.sdp }) });
          if (!reply.ok) throw new Error(`POST /offer answered ${reply.status}: ${await reply.text()}`);
          const answer = await reply.json();
          await pc.setRemoteDescription({ type: answer.type, sdp: answer.sdp });
          byId("where").textContent = `connected through ${location.origin}/offer`;
          log("answer applied");
          refreshStats().catch((error) => log(`getStats: ${error}`));
          setInterval(() => refreshStats().catch((error) => log(`getStats: ${error}`)), 1000);
        }
        start().catch((error) => fail(error.message ?? String(error)));
        </script>
        </body>
        </html>
        """#
}
