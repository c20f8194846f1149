import Foundation

/// The memory this process may use: the machine's, or less when a control group (a container, a systemd slice)
/// caps it. Budgets derived from it (training admission, the CLI's check) then fit the container, not the host.
public enum MachineMemory {
    /// Bytes available to the process: the smaller of physical memory and the cgroup limit, if any.
    public static let bytes: Int = {
        let physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        let limits = cgroupLimitFiles.compactMap { path in
            (try? String(contentsOfFile: path, encoding: .utf8)).flatMap(cgroupLimit)
        }
        return min(physical, limits.min() ?? physical)
    }()

    /// Where control groups state a memory limit: v2's `memory.max`, then v1's `memory.limit_in_bytes`.
    static let cgroupLimitFiles = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]

    /// The limit in a cgroup file's text, bytes: nil for "max" (no limit), anything unreadable, or v1's way of
    /// saying no limit (a value near 2^63).
    static func cgroupLimit(_ text: String) -> Int? {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Int(value), bytes > 0, bytes < Int.max / 2 else { return nil }
        return bytes
    }
}
