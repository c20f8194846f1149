import CDNNL

#if canImport(Glibc)
    import Glibc
#endif

/// The scheduling priority of threads, for long background work that must not slow interactive work down.
public enum ThreadPriority {
    /// Lowers the calling thread's priority to the nice value `niceness` (0 normal ... 19 lowest; Linux). Threads
    /// it starts afterwards inherit it (an OpenMP pool started by its first parallel region among them), so a
    /// training thread and its pool yield the cores to request handling and predictions whenever those need them,
    /// and use them fully otherwise. Returns false where the system does not support or refuses it.
    @discardableResult
    public static func lowerCurrentThread(to niceness: Int32) -> Bool {
        #if canImport(Glibc)
            return setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(cellscribe_thread_id()), niceness) == 0
        #else
            return false
        #endif
    }

    /// The nice value of the calling thread (0 where the system cannot tell).
    public static var currentNiceness: Int32 {
        #if canImport(Glibc)
            return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(cellscribe_thread_id()))
        #else
            return 0
        #endif
    }
}
