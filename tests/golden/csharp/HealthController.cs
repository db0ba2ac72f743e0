using System;
using Microsoft.AspNetCore.Mvc;

namespace Acme.Orders.Api
{
    // Liveness and readiness for the load balancer.
    [ApiController]
    [Route("health")]
    public class HealthController : ControllerBase
    {
        private readonly IDatabase _db;
        private const int TimeoutMs = 500;

        public HealthController(IDatabase db)
        {
            _db = db;
        }

        [HttpGet("ready")]
        public async Task<IActionResult> Ready()
        {
            var ok = await _db.PingAsync(TimeSpan.FromMilliseconds(TimeoutMs));
            return ok ? Ok(new { status = "ok" }) : StatusCode(503, "database unreachable");
        }

        public string Describe() => $"health of {_db.Name}";
    }

    public interface IDatabase
    {
        string Name { get; }
        Task<bool> PingAsync(TimeSpan timeout);
    }
}
