import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;
import java.lang.reflect.Method;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * Runs one fuzz test method through the JUnit Platform in this JVM, for {@code perf/fuzz}: with
 * {@code JAZZER_FUZZ} set, Jazzer fuzzes it. Exits 1 when it failed (a finding), 2 on bad arguments.
 * <p>
 * Usage: {@code java -cp <test class path> RunFuzzTest.java <class> <method>}.
 */
public final class RunFuzzTest
{
    private RunFuzzTest()
    {
    }

    /**
     * @param args the test class name and the fuzz test method name.
     * @throws ClassNotFoundException when the class is not on the class path.
     */
    public static void main(final String[] args) throws ClassNotFoundException
    {
        if (2 != args.length)
        {
            System.err.println("RunFuzzTest: expected <class> <method>, got " + args.length + " arguments");
            System.exit(2);
        }
        final Class<?> testClass = Class.forName(args[0], false, Thread.currentThread().getContextClassLoader());
        Method method = null;
        for (final Method candidate : testClass.getDeclaredMethods())
        {
            if (candidate.getName().equals(args[1]))
            {
                method = candidate;
            }
        }
        if (null == method)
        {
            System.err.println("RunFuzzTest: " + args[0] + " has no method " + args[1]);
            System.exit(2);
        }
        final LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
            .selectors(selectMethod(testClass, method))
            .build();
        final Launcher launcher = LauncherFactory.create();
        final SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        final TestExecutionSummary summary = listener.getSummary();
        summary.printTo(new PrintWriter(System.out, true));
        summary.printFailuresTo(new PrintWriter(System.out, true), 40);
        System.exit(summary.getTotalFailureCount() > 0 || summary.getTestsSucceededCount() == 0 ? 1 : 0);
    }
}
