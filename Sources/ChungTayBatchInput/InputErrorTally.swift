/// Records with an `inputError`: how many, and the first few as `file:line:column: message`
/// for the operator.
struct InputErrorTally: Sendable {
    let sampleLimit: Int
    private(set) var count = 0
    private(set) var samples: [String] = []

    init(sampleLimit: Int) {
        self.sampleLimit = sampleLimit
    }

    mutating func note(_ reader: RecordReader) {
        guard let error = reader.currentError else { return }
        count += 1
        if samples.count < sampleLimit {
            samples.append("\(reader.file):\(reader.currentLine):\(error.column): \(error.message)")
        }
    }

    /// Adds errors found after these (in a later file), as if each had been noted here.
    mutating func append(_ later: InputErrorTally) {
        count += later.count
        samples += later.samples.prefix(max(0, sampleLimit - samples.count))
    }
}
