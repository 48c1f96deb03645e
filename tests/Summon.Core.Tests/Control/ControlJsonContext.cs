using System.Text.Json.Serialization;
using Summon.Control;

namespace Summon.Core.Tests.Control;

/// <summary>
/// The oracle for <see cref="ControlCodec"/>: System.Text.Json's source-generated serializer for the control messages,
/// with the options the wire format is defined by (the manager used this context until both ends shared the codec).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlReply))]
internal sealed partial class ControlJsonContext : JsonSerializerContext
{
}
