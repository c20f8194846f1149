/// A setting with a value it cannot take: which setting, the value as given, what is allowed, and why when that
/// is not obvious. Front ends render it with their own name for the setting (`TrainingSetting`): the CLI a flag,
/// the server a JSON field; `description` uses the plain name.
public struct InvalidSetting: Error, Equatable, Sendable, CustomStringConvertible {
    public var setting: TrainingSetting
    /// The rejected value as text ("2000", "[0, 64]", "none").
    public var value: String
    /// What is allowed, completing "must be …" ("1 to 64", "a multiple of 8 from 16 to 512").
    public var allowed: String
    /// Why, when the rule depends on something else ("the loss became nan at epoch 3, step 5").
    public var context: String?

    public init(_ setting: TrainingSetting, value: String, allowed: String, context: String? = nil) {
        self.setting = setting
        self.value = value
        self.allowed = allowed
        self.context = context
    }

    public var description: String { rendered(name: setting.displayName) }

    /// The message with the setting called `name`: "batch size must be 1 to 64, not 2000".
    public func rendered(name: String) -> String {
        "\(name) must be \(allowed), not \(value)" + (context.map { " (\($0))" } ?? "")
    }
}
