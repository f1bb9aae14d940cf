public import ChungTayRules
import ChungTayWire
public import ChungTayWorker

/// Every handler a `chungtay worker` can serve, built on one rule book.
public enum HandlerCatalog {
    public static func all(rules: RuleBook) -> [any TaskHandler] {
        [EchoHandler(), HouseholdReviewHandler(rules: rules), LoanStatusHandler(rules: rules), NotifyEmitHandler(rules: rules)]
    }

    public static let kinds = TaskKind.builtIn.map(\.rawValue)
}
