/// Records with an `inputError`: how many, and the first few as `file:line:column: message`
/// (`file:sheet!D17: message` for a sheet's)
/// for the operator.
struct InputErrorTally: Sendable {
    let sampleLimit: Int
    private(set) var count = 0
    private(set) var samples: [String] = []

    init(sampleLimit: Int) {
        self.sampleLimit = sampleLimit
    }

    mutating func note(_ reader: RecordReader) {
        guard let description = reader.currentErrorDescription else { return }
        count += 1
        if samples.count < sampleLimit {
            samples.append(description)
        }
    }

    /// Adds errors found after these (in a later file), as if each had been noted here.
    mutating func append(_ later: InputErrorTally) {
        count += later.count
        samples += later.samples.prefix(max(0, sampleLimit - samples.count))
    }
}
