/// A JSON object's members in document order.
public struct JSONObject: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public let key: String
        public let value: JSONValue
        /// The key's number among `KnownKeys`, so records find their fields without hashing.
        public let knownKey: Int?

        public init(key: String, value: JSONValue) {
            self.init(key: key, value: value, knownKey: KnownKeys.index(of: key))
        }

        public init(key: String, value: JSONValue, knownKey: Int?) {
            self.key = key
            self.value = value
            self.knownKey = knownKey
        }

        public static func == (lhs: Member, rhs: Member) -> Bool {
            lhs.key == rhs.key && lhs.value == rhs.value
        }
    }

    public let members: [Member]

    @inlinable
    public init(_ members: [Member]) {
        self.members = members
    }

    /// The value of the last member with that key (a repeated key overrides, as in
    /// most JSON readers); nil when absent.
    @inlinable
    public subscript(key: String) -> JSONValue? {
        members.last(where: { $0.key == key })?.value
    }
}
