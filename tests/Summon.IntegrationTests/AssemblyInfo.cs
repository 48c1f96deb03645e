// Every test here starts real processes (a daemon, clients, services) on a 2-core machine shared with other
// work; running them one at a time keeps them independent of each other's load and ports.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// Linux only: /proc, Unix sockets, signals, file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
