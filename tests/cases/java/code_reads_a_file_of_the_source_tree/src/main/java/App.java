import java.nio.file.*;
public class App {
    public static void main(String[] a) throws Exception {
        System.out.println(Files.readString(Path.of("src/main/resources/banner.txt")));
    }
}
