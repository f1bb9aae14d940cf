import ChungTayWire

extension JobSpec {
    /// The job as the journal keeps it with CURVE: its idempotency key prefixed by the
    /// submitting principal and U+001F, so each principal has its own keys. One namespace
    /// for all would let a client claim a key first and have its owner's SUBMIT refused
    /// (or learn that the key is in use), and two principals' SUBMITs with one key in the
    /// same turn would hand the second the first's job. A principal (`ROLE/NAME`) holds no
    /// U+001F, so no two principals' keys can meet.
    func scopingIdempotencyKey(to principal: String) -> JobSpec {
        guard let key = idempotencyKey else { return self }
        var scoped = self
        scoped.idempotencyKey = principal + "\u{1F}" + key
        return scoped
    }
}
