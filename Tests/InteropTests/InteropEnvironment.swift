import CrucibleTestSupport
import Foundation

/// Where the Python interop peers live: the virtual environment `Scripts/bootstrap` makes
/// (`.venv-interop/`) and the scripts in `Scripts/interop/`. Shared by the aioice and aiortc tests.
enum InteropEnvironment {
    /// The repository root: this file is `Tests/InteropTests/InteropEnvironment.swift`.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python = repository.appendingPathComponent(".venv-interop/bin/python")

    static func script(_ name: String) -> URL { repository.appendingPathComponent("Scripts/interop/\(name)") }

    /// Fails, never skips, when the environment or `module` is missing (the project's rule for outside
    /// peers), with the command that installs it.
    static func requireInstalled(_ module: String) throws {
        let hint = "\(module) not found: run Scripts/bootstrap (it installs aioice and aiortc into .venv-interop/)"
        guard FileManager.default.isExecutableFile(atPath: python.path) else { throw InteropError(message: hint) }
        let run = try runToEnd(python, ["-c", "import \(module); print('imported')"], timeout: .seconds(60))
        guard run.text.contains("imported") else { throw InteropError(message: hint) }
    }
}
