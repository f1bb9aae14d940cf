public import ChungTayRules
import ChungTayWire
public import ChungTayWorker

/// Every handler a `chungtay worker` can serve, built on one rule book.
public enum HandlerCatalog {
    public static func all(rules: RuleBook) -> [any TaskHandler] {
        let handlers: [any TaskHandler] = [
            EchoHandler(), HouseholdReviewHandler(rules: rules), LoanStatusHandler(rules: rules), NotifyEmitHandler(rules: rules),
        ]
        // `kinds` (what `--kinds` accepts) and the dispatcher's built-in kinds are
        // `TaskKind.builtIn`: a handler added here without it would be refused there.
        assert(handlers.map(\.kind) == TaskKind.builtIn, "HandlerCatalog.all and TaskKind.builtIn name different kinds")
        return handlers
    }

    public static let kinds = TaskKind.builtIn.map(\.rawValue)
}
