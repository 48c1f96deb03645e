using System.Globalization;
using Microsoft.Extensions.Hosting.Systemd;

// Socket activation is opt-in for Kestrel: without UseSystemd() it would bind localhost:5000 and never serve the
// connection queued on fd 3. AddSystemd() registers the notifier and lifetime only when SystemdHelpers says this is
// a systemd service (11.0.0: SYSTEMD_EXEC_PID == our pid), which the manager's exec helper arranges.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.ConfigureKestrel(options => options.UseSystemd());
builder.Services.AddSystemd();
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
