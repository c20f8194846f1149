import Settings

/// How a scribbles network's output channels are laid out (ImPartial's classification tasks, METHOD §1).
///
/// Each task learns its own classes from its own scribbles (say nuclei in one task and whole cells in another,
/// on the same image). A task's block of outputs is its K = Σ `components` component logits (class-major,
/// background first), then, for each reconstructed input channel in order, K component mean maps. Blocks follow
/// each other in task order.
public struct MixtureLayout: Codable, Sendable, Equatable {
    /// One classification task of a mixture head.
    public struct Task: Codable, Sendable, Equatable {
        /// Mixture components per class, background (class 0) first; its count is the task's class count.
        public var components: [Int]
        /// Input channels (0-based) this task's blind-spot term reconstructs.
        public var reconstructedChannels: [Int]

        public init(components: [Int], reconstructedChannels: [Int]) {
            self.components = components
            self.reconstructedChannels = reconstructedChannels
        }

        /// Classes including background.
        public var classes: Int { components.count }
        /// K, the component logits.
        public var componentCount: Int { components.reduce(0, +) }
        /// Output channels of the task's block: K logits plus K means per reconstructed channel.
        public var outputChannels: Int { componentCount * (1 + reconstructedChannels.count) }
        /// The logit channels of each class within the block.
        func componentRange(ofClass c: Int) -> Range<Int> {
            let start = components.prefix(c).reduce(0, +)
            return start..<(start + components[c])
        }
    }

    public var tasks: [Task]

    public init(tasks: [Task]) {
        self.tasks = tasks
    }

    /// ImPartial's default for `tasks` tasks of `classCount` classes (background included) on `inputChannels`
    /// channels: one component per channel for every class, every channel reconstructed.
    public static func standard(classCount: Int, inputChannels: Int, tasks: Int = 1) -> MixtureLayout {
        let task = Task(
            components: [Int](repeating: inputChannels, count: classCount),
            reconstructedChannels: Array(0..<inputChannels))
        return MixtureLayout(tasks: [Task](repeating: task, count: tasks))
    }

    /// All tasks' output channels.
    public var outputChannels: Int { tasks.map(\.outputChannels).reduce(0, +) }
    /// The classes of every task, in task order: the channel count of the class probabilities.
    public var probabilityChannels: Int { tasks.map(\.classes).reduce(0, +) }
    /// First output channel of task `t`'s block.
    func outputOffset(ofTask t: Int) -> Int { tasks.prefix(t).map(\.outputChannels).reduce(0, +) }
    /// First class-probability channel of task `t`.
    public func probabilityOffset(ofTask t: Int) -> Int { tasks.prefix(t).map(\.classes).reduce(0, +) }

    /// - Throws: `TrainingError.invalidSetting` naming the setting at fault when a task has fewer than 2 classes,
    ///   a class without components, or a reconstructed channel outside `0..<inputChannels`.
    public func validate(inputChannels: Int) throws {
        guard !tasks.isEmpty else {
            throw TrainingError.invalid(.scribbleTasks, "none", "at least one scribble task (a folder of scribbles)")
        }
        for (t, task) in tasks.enumerated() {
            guard task.classes >= 2, task.components.allSatisfy({ $0 >= 1 && $0 <= 64 }) else {
                throw TrainingError.invalid(
                    .mixtureComponents, task.components.map(String.init).joined(separator: ","),
                    "1 to 64 components for background and for each class", context: "task \(t + 1)")
            }
            let list = task.reconstructedChannels.map(String.init).joined(separator: ",")
            if let bad = task.reconstructedChannels.first(where: { $0 < 0 || $0 >= inputChannels }) {
                throw TrainingError.invalid(
                    .reconstructedChannels, list, "channels 0 to \(inputChannels - 1)",
                    context: "task \(t + 1) names channel \(bad)")
            }
            guard Set(task.reconstructedChannels).count == task.reconstructedChannels.count else {
                throw TrainingError.invalid(
                    .reconstructedChannels, list, "distinct channels", context: "task \(t + 1) repeats one")
            }
        }
    }
}
