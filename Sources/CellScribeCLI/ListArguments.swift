import ArgumentParser

/// A comma-separated list of counts ≥ 1, such as `2,1`.
struct CountsArgument: ExpressibleByArgument, Equatable {
    var values: [Int]

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == parts.count, !values.isEmpty, values.allSatisfy({ $0 >= 1 }) else { return nil }
        self.values = values
    }
}

/// Lists of channel indices (from 0), comma-separated within a list and `;` between lists: `0,1;1`.
struct ChannelListsArgument: ExpressibleByArgument, Equatable {
    var lists: [[Int]]

    init?(argument: String) {
        var lists: [[Int]] = []
        for list in argument.split(separator: ";", omittingEmptySubsequences: false) {
            let parts = list.split(separator: ",", omittingEmptySubsequences: false)
            let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == parts.count, !values.isEmpty, values.allSatisfy({ $0 >= 0 }) else { return nil }
            lists.append(values)
        }
        self.lists = lists
    }
}
