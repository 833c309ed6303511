// A minimal ASP.NET Core app: GET / answers "Hello Docker" on port 8080
// (the port the .NET 8 images set in ASPNETCORE_HTTP_PORTS).
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.MapGet("/", () => "Hello Docker\n");

app.Run();
