// Reads its seed data from the source folder, which `dotnet publish` does not copy.
var text = File.ReadAllText("/src/data/seed.json");
Console.WriteLine(text);
