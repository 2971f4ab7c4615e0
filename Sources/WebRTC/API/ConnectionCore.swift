import DataChannels
import Foundation
import ICE
import JSEP
import Synchronization

/// The state of one connection as the client API sees it: the machine's events, folded. Events come
/// in through ``ingest(_:)`` on the host's side, in order; readers wait through the host.
final class ConnectionCore: Sendable {
    struct ChannelRecord {
        var info: DataChannelInfo
        var inbox: [DataChannelMessage] = []
        var bufferedAmount = 0
        var bufferedAmountLowThreshold = 0
        var object: DataChannel?
    }

    let slot: HostSlot
    let timeout: Duration
    let signaling: EventLog<SignalingState>
    let iceConnection: EventLog<IceConnectionState>
    let iceGathering: EventLog<IceGatheringState>
    let connection: EventLog<PeerConnectionState>
    let dtls: EventLog<DTLSTransportState>
    let candidates: EventLog<IceCandidate>
    let channelEvents: EventLog<DataChannelEvent>
    let negotiationNeeded: EventLog<Int>
    let trackEvents: EventLog<TrackEvent>
    let remoteTracks = Mutex<[TransceiverID: RemoteTrack]>([:])
    let channels = Mutex<[DataChannelHandle: ChannelRecord]>([:])
    let keyLog = Mutex<[String]>([])
    /// Why the connection failed, once a layer below said so (today: the DTLS transport).
    let failure = Mutex<WebRTCError?>(nil)
    /// Why media could not start, when it could not (data channels go on).
    let mediaFailure = Mutex<String?>(nil)
    private let keyLogFile: Mutex<FileHandle?>
    /// Where the session is recorded, and how many offers and answers were written so far.
    private let recording: Recording?
    private let descriptionsRecorded = Mutex<[SessionDescriptionType: Int]>([:])

    init(slot: HostSlot, timeout: Duration, recording: Recording?) {
        self.recording = recording
        let keyLogPath = recording?.keyLogPath
        self.slot = slot
        self.timeout = timeout
        signaling = EventLog(waiting: slot)
        iceConnection = EventLog(waiting: slot)
        iceGathering = EventLog(waiting: slot)
        connection = EventLog(waiting: slot)
        dtls = EventLog(waiting: slot)
        candidates = EventLog(waiting: slot)
        channelEvents = EventLog(waiting: slot)
        negotiationNeeded = EventLog(waiting: slot)
        trackEvents = EventLog(waiting: slot)
        var file: FileHandle?
        if let keyLogPath, FileManager.default.createFile(atPath: keyLogPath, contents: nil) {
            file = FileHandle(forWritingAtPath: keyLogPath)
        }
        keyLogFile = Mutex(file)
    }

    /// Writes an offer or answer that was applied next to the recording, for `crucible replay`.
    /// Best effort, like the key log: a recording that cannot be written does not fail the session.
    func record(_ description: SessionDescription) {
        guard let recording, description.type == .offer || description.type == .answer else { return }
        let generation = descriptionsRecorded.withLock { counts in
            counts[description.type, default: 0] += 1
            return counts[description.type, default: 0]
        }
        _ = FileManager.default.createFile(
            atPath: recording.descriptionPath(description.type, generation: generation), contents: Data(description.sdp.utf8))
    }

    var host: any EngineHost {
        get throws(WebRTCError) {
            guard let host = slot.host else { throw .invalidState("the peer connection has no runtime") }
            return host
        }
    }

    /// Folds one machine event into the state.
    func ingest(_ event: EngineEvent) {
        switch event {
        case .signalingStateChanged(let state): signaling.append(state)
        case .iceGatheringStateChanged(let state): iceGathering.append(state)
        case .iceConnectionStateChanged(let state): iceConnection.append(state)
        case .dtlsStateChanged(let state): dtls.append(state)
        case .dtlsFailed(let error): failure.withLock { $0 = .dtls(error) }
        case .connectionStateChanged(let state): connection.append(state)
        case .localCandidate(let local):
            if let line = local.candidate {
                candidates.append(IceCandidate(candidate: line, sdpMid: local.sdpMid, sdpMLineIndex: local.sdpMLineIndex))
            }
        case .negotiationNeeded: negotiationNeeded.append(negotiationNeeded.count + 1)
        case .selectedPairChanged: break
        case .keyLog(let line):
            keyLog.withLock { $0.append(line) }
            keyLogFile.withLock { file in try? file?.write(contentsOf: Data((line + "\n").utf8)) }
        case .dataChannelInfo(let info): update(info)
        case .dataChannel(let output): ingest(output)
        case .trackAdded(let info):
            let track = RemoteTrack(info: info, core: self)
            remoteTracks.withLock { $0[info.transceiver] = track }
            trackEvents.append(.add(track))
        case .trackRemoved(let info):
            guard let track = remoteTracks.withLock({ $0.removeValue(forKey: info.transceiver) }) else { return }
            track.end()
            trackEvents.append(.remove(track))
        case .mediaFrame(let transceiver, let frame):
            remoteTracks.withLock { $0[transceiver] }?.deliver(frame)
        case .mediaFailed(let reason):
            mediaFailure.withLock { $0 = reason }
        }
    }

    private func ingest(_ output: DataChannelOutput) {
        switch output {
        case .announced(let info): update(info)
        case .open(let handle):
            setState(.open, of: handle)
            if let channel = object(handle) { channelEvents.append(.open(channel)) }
        case .message(let handle, let message):
            channels.withLock { $0[handle]?.inbox.append(message) }
        case .bufferedAmount(let handle, let amount):
            channels.withLock { $0[handle]?.bufferedAmount = amount }
        case .bufferedAmountLow(let handle):
            if let channel = object(handle) { channelEvents.append(.bufferedAmountLow(channel)) }
        case .closing(let handle):
            setState(.closing, of: handle)
            if let channel = object(handle) { channelEvents.append(.closing(channel)) }
        case .closed(let handle):
            // The machine forgets a closed channel, so no description follows this event: the state is set here.
            setState(.closed, of: handle)
            if let channel = object(handle) { channelEvents.append(.closed(channel)) }
        case .error(let handle, let error):
            if let channel = object(handle) { channelEvents.append(.error(channel, .dataChannel(error))) }
        case .transmit, .associationEstablished, .associationClosed, .associationFailed:
            break
        }
    }

    /// Records a channel's description; the first time, makes its API object.
    func update(_ info: DataChannelInfo) {
        channels.withLock { records in
            if records[info.handle] == nil {
                records[info.handle] = ChannelRecord(info: info)
                records[info.handle]?.object = DataChannel(core: self, handle: info.handle)
            } else {
                records[info.handle]?.info = info
            }
        }
    }

    private func setState(_ state: DataChannelState, of handle: DataChannelHandle) {
        channels.withLock { $0[handle]?.info.state = state }
    }

    func object(_ handle: DataChannelHandle) -> DataChannel? { channels.withLock { $0[handle]?.object } }
    func record(_ handle: DataChannelHandle) -> ChannelRecord? { channels.withLock { $0[handle] } }

    /// Ends every sequence and closes the key log.
    func finish() {
        for log in [signaling.finish, iceConnection.finish, iceGathering.finish, connection.finish, dtls.finish,
                    candidates.finish, channelEvents.finish, negotiationNeeded.finish, trackEvents.finish] { log() }
        for track in remoteTracks.withLock({ Array($0.values) }) { track.end() }
        keyLogFile.withLock { file in
            try? file?.close()
            file = nil
        }
    }

    /// Waits for a condition on the state, through the host.
    func wait(_ what: String, timeout: Duration? = nil, until condition: @escaping @Sendable () -> Bool) async throws(WebRTCError) {
        guard await slot.wait(until: condition, timeout: timeout ?? self.timeout) else { throw .timeout(what) }
    }
}
