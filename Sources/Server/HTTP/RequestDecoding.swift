import Foundation
import Hummingbird
import Storage

extension Request {
    /// Query parameter `name`, if given.
    func query(_ name: String) -> String? { uri.queryParameters.get(name) }

    /// Query parameter `name` as an integer within `range` (`value` when absent); 400 when it is not one.
    func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        try integer(name, in: range) ?? value
    }

    /// Query parameter `name` as an integer within `range`, or nil when absent; 400 when it is not one.
    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = query(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw ServerError(
                .badRequest,
                "query parameter '\(name)' must be a whole number in \(range.lowerBound)...\(range.upperBound), not '\(text)'",
                field: name)
        }
        return number
    }

    /// Query parameter `name` as a number within `range`; 400 when it is not one.
    func number(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = query(name) else { return nil }
        guard let number = Double(text), range.contains(number) else {
            throw ServerError(
                .badRequest,
                "query parameter '\(name)' must be a number in \(range.lowerBound)...\(range.upperBound), not '\(text)'",
                field: name)
        }
        return number
    }

    /// Query parameter `name` as a boolean ("true"/"false"/"1"/"0"/"yes"/"no"; false when absent).
    func flag(_ name: String) throws -> Bool {
        guard let text = query(name) else { return false }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default:
            throw ServerError(
                .badRequest, "query parameter '\(name)' must be true or false, not '\(text)'", field: name)
        }
    }

    /// Query parameter `name` as one of `Choice`'s raw values (`value` when absent); 400 naming the choices.
    func choice<Choice: RawRepresentable & CaseIterable>(
        _ name: String, default value: Choice
    ) throws -> Choice where Choice.RawValue == String {
        guard let text = query(name) else { return value }
        guard let choice = Choice(rawValue: text) else {
            let names = Choice.allCases.map(\.rawValue)
            let list = names.dropLast().joined(separator: ", ") + (names.count > 1 ? " or " : "") + (names.last ?? "")
            throw ServerError(.badRequest, "\(name) must be \(list), not '\(text)'", field: name)
        }
        return choice
    }
}

extension RequestContext {
    /// The id in path parameter `name`, checked to look like an id (anything else cannot exist: 404).
    func id(_ name: String, kind: String) throws -> String {
        let value = parameters.get(name)
        guard let value, StoreIDs.isValid(value) else {
            throw ServerError.notFound("no \(kind) with id '\(value ?? "")'")
        }
        return value
    }

    /// Path parameter `name` as a non-negative integer; 404 when it is not one (no such resource).
    func index(_ name: String) throws -> Int {
        guard let text = parameters.get(name), let value = Int(text), value >= 0 else {
            throw ServerError.notFound("'\(parameters.get(name) ?? "")' is not a \(name) number")
        }
        return value
    }
}
