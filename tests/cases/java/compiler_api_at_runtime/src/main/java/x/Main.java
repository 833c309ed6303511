package x;

import javax.tools.ToolProvider;

public class Main {
    public static void main(String[] args) {
        System.out.println(ToolProvider.getSystemJavaCompiler() != null);
    }
}
