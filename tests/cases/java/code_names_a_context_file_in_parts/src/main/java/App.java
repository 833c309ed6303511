import java.nio.file.Files;
import java.nio.file.Path;

public class App {
    public static void main(String[] args) throws Exception {
        // Read from the working folder, not from the jar's classpath.
        System.out.println(Files.readString(Path.of("src", "main", "resources", "motd.txt")));
    }
}
