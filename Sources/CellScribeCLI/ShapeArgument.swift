import ArgumentParser

/// A spatial extent written `YxX` or `ZxYxX` (for example `128x128` or `16x96x96`).
struct ShapeArgument: ExpressibleByArgument, Equatable {
    var extents: [Int]

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int($0) }
        guard values.count == parts.count, (2...3).contains(values.count), values.allSatisfy({ $0 > 0 }) else {
            return nil
        }
        extents = values
    }

    var defaultValueDescription: String { extents.map(String.init).joined(separator: "x") }
}

/// Channel widths written `32,64,128,256`.
struct WidthsArgument: ExpressibleByArgument, Equatable {
    var widths: [Int]

    init(widths: [Int]) {
        self.widths = widths
    }

    init?(argument: String) {
        let parts = argument.split(separator: ",")
        let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == parts.count, values.count >= 2, values.allSatisfy({ $0 > 0 }) else { return nil }
        widths = values
    }

    /// Shown as the default in `--help`: `32,64,128,256`.
    var defaultValueDescription: String { widths.map(String.init).joined(separator: ",") }
}

/// Positive numbers written `2.18,1,1`.
struct NumbersArgument: ExpressibleByArgument, Equatable {
    var values: [Double]

    init?(argument: String) {
        let parts = argument.split(separator: ",")
        let values = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == parts.count, !values.isEmpty, values.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            return nil
        }
        self.values = values
    }
}
