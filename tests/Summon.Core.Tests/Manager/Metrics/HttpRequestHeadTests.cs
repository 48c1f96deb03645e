using System.Text;
using Summon.Manager.Metrics;

namespace Summon.Core.Tests.Manager.Metrics;

public sealed class HttpRequestHeadTests
{
    private static HttpRequestHead Parse(string text) => HttpRequestHead.Parse(Encoding.ASCII.GetBytes(text));

    [Fact]
    public void Prometheus_scrape_asks_for_OpenMetrics_and_keeps_the_connection()
    {
        var head = Parse("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5\r\n\r\n");
        Assert.Equal(new HttpRequestHead(HttpHeadStatus.Complete, head.Length, HttpTarget.Metrics, HeadOnly: false, OpenMetrics: true, KeepAlive: true), head);
    }

    [Theory]
    [InlineData("GET /readyz HTTP/1.0\r\n\r\n", "Readyz", false)]
    [InlineData("GET /livez?verbose HTTP/1.1\r\nConnection: close\r\n\r\n", "Livez", false)]
    [InlineData("GET /livez HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n", "Livez", true)]
    [InlineData("GET /other HTTP/1.1\r\n\r\n", "Unknown", true)]
    public void Path_and_keep_alive(string request, string targetName, bool keepAlive)
    {
        var target = Enum.Parse<HttpTarget>(targetName);
        var head = Parse(request);
        Assert.Equal((HttpHeadStatus.Complete, target, keepAlive, request.Length), (head.Status, head.Target, head.KeepAlive, head.Length));
    }

    [Theory]
    [InlineData("GET /metrics HTTP/1.1\r\nHost: x\r\n", "Incomplete")]
    [InlineData("POST /metrics HTTP/1.1\r\n\r\n", "NotAllowed")]
    [InlineData("GET /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\n", "HasBody")]
    [InlineData("GET /metrics\r\n\r\n", "Malformed")]
    [InlineData("GET /metrics SPDY/3\r\n\r\n", "Malformed")]
    [InlineData("GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n", "Malformed")]
    public void Refused_heads(string request, string status) => Assert.Equal(Enum.Parse<HttpHeadStatus>(status), Parse(request).Status);

    [Fact]
    public void HEAD_is_served_without_a_body()
    {
        var head = Parse("HEAD /metrics HTTP/1.1\r\n\r\n");
        Assert.True(head.HeadOnly);
        Assert.Equal(HttpTarget.Metrics, head.Target);
    }
}
