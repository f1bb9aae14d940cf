/// Recipients, channels, escalation and SMS limits of notifications
/// (`notification-rules.json`).
final class NotificationRules: Sendable {
    static let fileName = "notification-rules.json"

    /// Where a recipient's id comes from: a field of the household's review, or a fixed id.
    enum RecipientId: Sendable {
        case householdCode, savingsGroup, association, commune
        case fixed(String)
    }

    struct RoleAddress: Sendable {
        let id: RecipientId
        let channel: String
    }

    struct Escalation: Sendable {
        let daysOverdueAbove: Int
        let addRecipients: [RecipientRole]
    }

    let addresses: [RecipientRole: RoleAddress]
    /// `addresses` by `position(of:)`, for lookups without hashing.
    private let addressList: [RoleAddress]
    let recipients: [NotificationType: [RecipientRole]]
    /// In increasing `daysOverdueAbove`.
    let overdueEscalation: [Escalation]
    let supplementForCurrent: Set<CurrentStatus>
    let smsSingleMessageLimit: Int
    let smsConcatenatedPartLimit: Int
    /// How long a de-duplication key without a date of its own (`list_change`) stays live,
    /// in days after the as-of date of the review that emitted it.
    let undatedKeyLifeDays: Int

    init(_ root: RuleFileNode) throws(RuleDataError) {
        let roles = try root.member("recipientRoles")
        var addresses: [RecipientRole: RoleAddress] = [:]
        for role in RecipientRole.allCases {
            let node = try roles.member(role.rawValue)
            let id: RecipientId
            if let fixed = try node.optionalMember("fixedId") {
                id = .fixed(try fixed.string())
            } else {
                let source = try node.member("idFrom")
                switch try source.string() {
                case "householdCode": id = .householdCode
                case "savingsGroup": id = .savingsGroup
                case "association": id = .association
                case "commune": id = .commune
                default: throw source.error("expected householdCode, savingsGroup, association or commune")
                }
            }
            addresses[role] = RoleAddress(id: id, channel: try node.member("channel").string())
        }
        self.addresses = addresses
        var addressList = [RoleAddress?](repeating: nil, count: RecipientRole.allCases.count)
        for role in RecipientRole.allCases { addressList[Self.position(of: role)] = addresses[role] }
        self.addressList = addressList.map { $0! }

        let types = try root.member("types")
        var recipients: [NotificationType: [RecipientRole]] = [:]
        for type in NotificationType.allCases {
            let node = try types.member(type.rawValue)
            recipients[type] = try Self.roles(try node.member("recipients"))
        }
        self.recipients = recipients

        var escalation: [Escalation] = []
        for node in try types.member(NotificationType.overdueNotice.rawValue).member("escalation").elements() {
            let daysNode = try node.member("daysOverdueAbove")
            let days = try daysNode.integer()
            if let previous = escalation.last, days <= previous.daysOverdueAbove {
                throw daysNode.error("must increase from one escalation step to the next")
            }
            escalation.append(Escalation(daysOverdueAbove: days, addRecipients: try Self.roles(try node.member("addRecipients"))))
        }
        overdueEscalation = escalation

        var forCurrent: Set<CurrentStatus> = []
        for node in try types.member(NotificationType.supplementCandidate.rawValue).member("forCurrent").elements() {
            forCurrent.insert(try node.oneOf(CurrentStatus.self))
        }
        supplementForCurrent = forCurrent

        let sms = try root.member("sms")
        smsSingleMessageLimit = try sms.member("singleMessageLimit").integer(in: 1...10_000)
        smsConcatenatedPartLimit = try sms.member("concatenatedPartLimit").integer(in: 1...smsSingleMessageLimit)
        undatedKeyLifeDays = try root.member("keyExpiry").member("undatedKeyLifeDays").integer(in: 1...3660)
    }

    private static func roles(_ node: RuleFileNode) throws(RuleDataError) -> [RecipientRole] {
        var roles: [RecipientRole] = []
        for element in try node.elements() { roles.append(try element.oneOf(RecipientRole.self)) }
        return roles
    }

    /// `addresses[role]`, which holds every role.
    func address(of role: RecipientRole) -> RoleAddress {
        addressList[Self.position(of: role)]
    }

    private static func position(of role: RecipientRole) -> Int {
        switch role {
        case .borrower: 0
        case .groupLeader: 1
        case .association: 2
        case .communePeoplesCommittee: 3
        case .communeReviewBoard: 4
        case .communeOfficer: 5
        case .transactionOffice: 6
        }
    }

    /// 1 up to the first threshold, plus one per threshold passed.
    func escalationLevel(daysOverdue: Int) -> Int {
        1 + overdueEscalation.filter { daysOverdue > $0.daysOverdueAbove }.count
    }
}
