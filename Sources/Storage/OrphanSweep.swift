import Foundation

/// Removes what a crash can leave in the data folder: files written before the row that would refer to them
/// (blobs are written first, rows second, so a crash in between leaves a file no row names), temporary files of
/// interrupted atomic writes, and the folders of projects and jobs whose rows are gone. Scribble versions older
/// than an image's current one are history, not orphans, and stay. Run it at start-up, before any request or job
/// (the data folder's lock makes sure no other process writes meanwhile).
public enum OrphanSweep {
    /// Removes the orphans of `blobs` given the rows of `store`; returns their paths.
    public static func run(store: any Store, blobs: BlobStore) async throws -> [String] {
        var orphans: [String] = blobs.files(under: "").filter { path in
            let name = (path as NSString).lastPathComponent
            return name.hasPrefix(".") && name.hasSuffix(".tmp")
        }
        let projects = try await store.projects()
        let projectIDs = Set(projects.map(\.id))
        var jobIDs = Set<String>()
        for project in projects {
            let folder = "projects/\(project.id)"
            let images = try await store.images(in: project.id)
            let imagePaths = Set(images.map(\.path))
            orphans += blobs.files(under: "\(folder)/images").filter { !imagePaths.contains($0) }
            let byID = Dictionary(uniqueKeysWithValues: images.map { ($0.id, $0) })
            orphans += blobs.files(under: "\(folder)/scribbles").filter { path in
                !isScribbleHistory(path, images: byID)
            }
            let modelPaths = Set(try await store.models(in: project.id).map(\.path))
            orphans += blobs.files(under: "\(folder)/models").filter { !modelPaths.contains($0) }
            jobIDs.formUnion(try await store.jobs(in: project.id).map(\.id))
        }
        let projectFolders = folders(in: "projects", blobs: blobs).filter { !projectIDs.contains($0) }
        let jobFolders = folders(in: "jobs", blobs: blobs).filter { !jobIDs.contains($0) }
        orphans += projectFolders.map { "projects/\($0)" } + jobFolders.map { "jobs/\($0)" }
        for path in Set(orphans) { blobs.remove(path) }
        return Array(Set(orphans)).sorted()
    }

    /// Whether a scribble file (`<image id>-v<version>-<random>.tif`) is its image's current version or an older
    /// one; anything else (a version the row never recorded, an image that is gone) is an orphan.
    static func isScribbleHistory(_ path: String, images: [String: ImageRecord]) -> Bool {
        let name = (path as NSString).lastPathComponent
        let parts = name.split(separator: "-")
        guard parts.count >= 3, let image = images[String(parts[0])], parts[1].hasPrefix("v"),
            let version = Int(parts[1].dropFirst())
        else { return false }
        return version < image.scribbleVersion || path == image.scribblePath
    }

    private static func folders(in parent: String, blobs: BlobStore) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: blobs.url(parent).path)) ?? []
        return names.filter { !$0.hasPrefix(".") }
    }
}
