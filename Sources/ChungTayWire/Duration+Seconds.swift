extension Duration {
    /// Seconds as a floating-point number, for timer arithmetic on monotonic clocks.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
