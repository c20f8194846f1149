/// The values one numeric setting may take: a closed range, optionally restricted to multiples of a step.
public struct SettingLimit<Value: Comparable & Sendable>: Sendable {
    public let setting: TrainingSetting
    public let range: ClosedRange<Value>
    /// Integer settings only: the value must be a multiple of this.
    public let multiple: Value?

    public init(_ setting: TrainingSetting, _ range: ClosedRange<Value>, multipleOf multiple: Value? = nil) {
        self.setting = setting
        self.range = range
        self.multiple = multiple
    }

    public var minimum: Value { range.lowerBound }
    public var maximum: Value { range.upperBound }
}

extension SettingLimit where Value: BinaryInteger {
    /// What is allowed, completing "must be …".
    public var allowed: String {
        multiple.map { "a multiple of \($0) from \(minimum) to \(maximum)" } ?? "\(minimum) to \(maximum)"
    }

    public func contains(_ value: Value) -> Bool {
        range.contains(value) && multiple.map { value % $0 == 0 } ?? true
    }

    /// - Throws: `InvalidSetting` when `value` is not allowed.
    public func check(_ value: Value) throws {
        guard contains(value) else { throw InvalidSetting(setting, value: "\(value)", allowed: allowed) }
    }
}

extension SettingLimit where Value: BinaryFloatingPoint {
    /// What is allowed, completing "must be …".
    public var allowed: String { "from \(Self.format(minimum)) to \(Self.format(maximum))" }

    /// Whether `value` is finite and in range (NaN never is).
    public func contains(_ value: Value) -> Bool { value.isFinite && range.contains(value) }

    /// - Throws: `InvalidSetting` when `value` is not allowed.
    public func check(_ value: Value) throws {
        guard contains(value) else { throw InvalidSetting(setting, value: "\(value)", allowed: allowed) }
    }

    /// Whole numbers without a fraction ("86400", not "86400.0"); others as Swift prints them.
    static func format(_ value: Value) -> String {
        let number = Double(value)
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }
}
