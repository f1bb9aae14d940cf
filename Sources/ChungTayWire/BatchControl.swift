import ChungTayCoding
import Foundation

/// BATCH-OPEN body: what a batch is, so a second `batch submit` with the same name can
/// tell whether it resumes the same work.
public struct BatchOpening: Codable, Equatable, Sendable {
    /// The operator's name for the batch; unique, and the handle for resuming.
    public var name: String
    /// `YYYY-MM-DD`.
    public var asOf: String
    public var whatIf: Bool
    /// Who submitted it (`user@host`), kept in the batch's audit record.
    public var submittedBy: String
    /// Names, sizes and content fingerprints of the input files.
    public var inputs: [String]

    public init(name: String, asOf: String, whatIf: Bool, submittedBy: String, inputs: [String]) {
        self.name = name
        self.asOf = asOf
        self.whatIf = whatIf
        self.submittedBy = submittedBy
        self.inputs = inputs
    }

    /// Bounds on what a batch records about its submission. The dispatcher keeps every
    /// batch's record in memory for good (and loads them all at each start), so without
    /// them one BATCH-OPEN could pin as much memory as a message holds.
    public static let maxInputs = 16
    public static let maxInputLength = 1024
    public static let maxSubmitterLength = 512

    func validate() throws(WireError) {
        guard !name.isEmpty, name.utf8.count <= 200 else { throw WireError(.malformed, "batch name must be 1 to 200 bytes") }
        guard inputs.count <= Self.maxInputs, inputs.allSatisfy({ $0.utf8.count <= Self.maxInputLength }) else {
            throw WireError(.malformed, "a batch lists at most \(Self.maxInputs) inputs of at most \(Self.maxInputLength) bytes each")
        }
        guard submittedBy.utf8.count <= Self.maxSubmitterLength else {
            throw WireError(.malformed, "batch submittedBy must be at most \(Self.maxSubmitterLength) bytes")
        }
        let digits = asOf.utf8.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 ? byte == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard asOf.utf8.count == 10, digits else { throw WireError(.malformed, "batch asOf '\(asOf.prefix(utf8Bytes: WireError.maxEchoedBytes))' is not YYYY-MM-DD") }
    }
}

/// BATCH-SEAL body: every chunk has been submitted; the batch completes once they are done.
public struct BatchSealing: Codable, Equatable, Sendable {
    public var batchId: String
    public var householdChunks: Int
    public var loanChunks: Int
    /// Lines that could not be read as records (they still became documents, flagged).
    public var inputErrors: Int

    public init(batchId: String, householdChunks: Int, loanChunks: Int, inputErrors: Int) {
        self.batchId = batchId
        self.householdChunks = householdChunks
        self.loanChunks = loanChunks
        self.inputErrors = inputErrors
    }

    func validate() throws(WireError) {
        guard householdChunks >= 0, loanChunks >= 0, inputErrors >= 0 else {
            throw WireError(.malformed, "BATCH-SEAL counts must not be negative")
        }
    }
}

/// JSON coding of the batch control bodies: typed, so a body with a missing or mistyped
/// field is refused as `malformed` rather than half read. Bodies are written with their
/// keys in alphabetical order (as JSONEncoder's `.sortedKeys` wrote them).
enum BatchControl {
    static func encode(_ opening: BatchOpening) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.openObject()
        writer.key("asOf")
        writer.string(opening.asOf)
        writer.key("inputs")
        writer.strings(opening.inputs)
        writer.key("name")
        writer.string(opening.name)
        writer.key("submittedBy")
        writer.string(opening.submittedBy)
        writer.key("whatIf")
        writer.bool(opening.whatIf)
        writer.closeObject()
        return writer.finish()
    }

    static func encode(_ sealing: BatchSealing) -> [UInt8] {
        var writer = JSONWriter(capacity: 128)
        writer.openObject()
        writer.key("batchId")
        writer.string(sealing.batchId)
        writer.key("householdChunks")
        writer.integer(sealing.householdChunks)
        writer.key("inputErrors")
        writer.integer(sealing.inputErrors)
        writer.key("loanChunks")
        writer.integer(sealing.loanChunks)
        writer.closeObject()
        return writer.finish()
    }

    static func decode<T: Decodable>(_ type: T.Type, _ frame: [UInt8]) throws(WireError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(frame))
        } catch {
            throw WireError(.malformed, "\(type) body is not valid: \(error)")
        }
    }
}
