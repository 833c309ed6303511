var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.UseStaticFiles();
app.MapGet("/greeting", (IConfiguration config) => config["Greeting"]);
app.Run();
