/// One decoder under fuzzing: a name (the `chungtay-fuzz` argument and the corpus
/// directory `Fuzz/corpus/NAME/`), the function libFuzzer calls with each input, and the
/// seed inputs the committed corpus was made from.
///
/// `run` never traps on its own: it returns normally for every input the decoder accepts
/// or refuses, and throws `FuzzFailure` when a property the decoder promises is broken
/// (a round trip that differs, a document that is not one line). A trap inside it is a
/// crash of the decoder itself. The libFuzzer driver turns a `FuzzFailure` into a crash
/// too; the unit tests (`ChungTayFuzzTargetsTests`) report it as a failed expectation.
public struct FuzzTarget: Sendable {
    public let name: String
    public let run: @Sendable ([UInt8]) throws(FuzzFailure) -> Void
    /// Named seed inputs, built with the production encoders.
    public let seeds: @Sendable () -> [(name: String, bytes: [UInt8])]

    init(
        name: String, run: @escaping @Sendable ([UInt8]) throws(FuzzFailure) -> Void,
        seeds: @escaping @Sendable () -> [(name: String, bytes: [UInt8])]
    ) {
        self.name = name
        self.run = run
        self.seeds = seeds
    }

    /// Every target, in the order `scripts/fuzz` runs them.
    public static let all: [FuzzTarget] = [
        ClientRequestTarget.target, ClientReplyTarget.target, WorkerMessageTarget.target, JobHeaderTarget.target,
        ResultExtrasTarget.target, DocumentLinesTarget.target, BatchControlTarget.target, JSONReaderTarget.target,
        StagePayloadTarget.target, RuleDataTarget.target, RecordReaderTarget.target, LogRecordTarget.target,
        WorkerStatsTarget.target, FeedMessageTarget.target, LegacyTextTarget.target, WorkbookZipTarget.target, WorkbookXMLTarget.target,
    ]

    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}

/// A property of a decoder that did not hold for an input.
public struct FuzzFailure: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Throws `FuzzFailure(message)` unless `condition` holds.
func check(_ condition: Bool, _ message: @autoclosure () -> String) throws(FuzzFailure) {
    guard condition else { throw FuzzFailure(message()) }
}
