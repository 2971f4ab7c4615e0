@testable import DataChannels
import Testing

@Suite("bufferedAmount bookkeeping: the association's per-stream bytes less DCEP and empty-message bytes")
struct StreamLedgerTests {
    @Test("bytes released in send order take the extra bytes out exactly where they were queued")
    func inOrder() {
        var ledger = StreamLedger()
        ledger.append(20, extra: true)  // DATA_CHANNEL_OPEN
        ledger.append(100, extra: false)
        ledger.append(1, extra: true)  // an empty message's zero byte
        ledger.append(50, extra: false)
        #expect(ledger.totalBytes == 171 && ledger.applicationBytes == 150)
        ledger.settle(remaining: 151)
        #expect(ledger.applicationBytes == 150)
        ledger.settle(remaining: 101)
        #expect(ledger.applicationBytes == 100)
        ledger.settle(remaining: 51)
        #expect(ledger.applicationBytes == 50)
        ledger.settle(remaining: 50)
        #expect(ledger.applicationBytes == 50)
        ledger.settle(remaining: 0)
        #expect(ledger.totalBytes == 0 && ledger.applicationBytes == 0)
    }

    @Test("whatever the release order, the ledger is empty when the stream drains and never counts more than was sent")
    func anyOrder() {
        var ledger = StreamLedger()
        for index in 0..<200 { ledger.append(index % 7 == 0 ? 1 : index, extra: index % 7 == 0) }
        let sent = ledger.applicationBytes
        var remaining = ledger.totalBytes
        while remaining > 0 {
            remaining = max(remaining - 37, 0)
            ledger.settle(remaining: remaining)
            #expect(ledger.applicationBytes <= min(sent, remaining))
            #expect(ledger.totalBytes == remaining)
        }
        #expect(ledger.applicationBytes == 0)
    }
}
