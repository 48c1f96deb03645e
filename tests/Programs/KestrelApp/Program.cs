using System.Globalization;
using Microsoft.Extensions.Hosting.Systemd;

// Socket activation is opt-in for Kestrel: without UseSystemd() it would bind localhost:5000 and never serve the
// connection queued on fd 3. AddSystemd() registers the notifier and lifetime only when SystemdHelpers says this is
// a systemd service (11.0.0: SYSTEMD_EXEC_PID == our pid), which the manager's exec helper arranges.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.ConfigureKestrel(options => options.UseSystemd());
builder.Services.AddSystemd();
// Holds back ApplicationStarted, and with it READY=1, until the test opens the gate file. It waits in StartedAsync,
// which the host runs after every StartAsync (Kestrel's included), so the app already serves requests meanwhile.
if (Environment.GetEnvironmentVariable("KESTREL_APP_READY_GATE") is { Length: > 0 } gate)
    builder.Services.AddHostedService(_ => new ReadyGate(gate));
builder.Logging.ClearProviders();
builder.Logging.AddConsole();

var app = builder.Build();
string pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
app.MapGet("/", () => $"hello from pid {pid}\n");
app.MapGet("/env", () =>
    string.Join('\n', new[] { "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "SYSTEMD_EXEC_PID", "NOTIFY_SOCKET" }
        .Select(name => $"{name}={Environment.GetEnvironmentVariable(name)}"))
    + $"\nIsSystemdService={SystemdHelpers.IsSystemdService()}\n");
app.Run();

/// <summary>Waits for a file to exist before the host counts as started.</summary>
internal sealed class ReadyGate(string path) : IHostedLifecycleService
{
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        while (!File.Exists(path))
            await Task.Delay(20, cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
