package dev.commandcenter.transport.aeron.ingress;

import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.transport.aeron.AeronNode;
import dev.commandcenter.transport.aeron.IngressSettings;
import io.aeron.Aeron;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The engine's Aeron ingress: an {@link IngressAgent} on a thread of its own (or on an invoker the caller drives)
 * that takes events other processes publish into the input ring and acknowledges them once journaled.
 * <p>
 * <b>Note:</b> {@link #close()} stops the agent and closes its subscription and publications; the Aeron client stays
 * open (it is the node's).
 */
public final class AeronIngress implements AutoCloseable
{
    private final Context ctx;
    private final IngressAgent agent;
    private final AgentRunner runner;
    private final AgentInvoker invoker;

    private AeronIngress(final Context ctx)
    {
        this.ctx = ctx;
        agent = new IngressAgent(ctx);
        if (ctx.useAgentInvoker())
        {
            runner = null;
            invoker = new AgentInvoker(ctx.errorHandler(), null, agent);
            invoker.start();
        }
        else
        {
            invoker = null;
            runner = new AgentRunner(ctx.idleStrategy(), ctx.errorHandler(), null, agent);
            AgentRunner.startOnThread(runner);
        }
    }

    /**
     * Subscribe to the ingress stream and start taking events.
     *
     * @param ctx what to subscribe to and where events go; concluded here.
     * @return the running ingress.
     */
    public static AeronIngress launch(final Context ctx)
    {
        return new AeronIngress(ctx.conclude());
    }

    /**
     * The agent, for counts and state in tests and health.
     *
     * @return the agent.
     */
    public IngressAgent agent()
    {
        return agent;
    }

    /**
     * The invoker the caller drives, when {@link Context#useAgentInvoker(boolean)} was set.
     *
     * @return the invoker, or null when the agent has its own thread.
     */
    public AgentInvoker invoker()
    {
        return invoker;
    }

    /**
     * The context this ingress was launched with.
     *
     * @return the context.
     */
    public Context context()
    {
        return ctx;
    }

    /** Stop the agent and close its subscription and response publications. */
    public void close()
    {
        CloseHelper.closeAll(runner, invoker);
    }

    /**
     * What an ingress needs: the Aeron client, the settings, the engine's publisher and counters.
     */
    public static final class Context
    {
        private boolean concluded;
        private Aeron aeron;
        private IngressSettings settings = new IngressSettings();
        private EventPublisher publisher;
        private CounterAllocator counters;
        private ErrorHandler errorHandler;
        private Consumer<String> log;
        private IdleStrategy idleStrategy;
        private NanoClock nanoClock;
        private boolean useAgentInvoker;

        /**
         * Check what is set and fill defaults; called by {@link AeronIngress#launch(Context)}.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("AeronIngress.Context is already concluded");
            }
            concluded = true;
            Objects.requireNonNull(aeron, "aeron");
            Objects.requireNonNull(publisher, "publisher");
            Objects.requireNonNull(counters, "counters");
            final String problem = settings.problem("aeron.ingress");
            if (null != problem)
            {
                throw new IllegalArgumentException(problem);
            }
            if (null == errorHandler)
            {
                errorHandler = Throwable::printStackTrace;
            }
            if (null == log)
            {
                log = System.err::println;
            }
            if (null == idleStrategy)
            {
                idleStrategy = AeronNode.idle(settings.idle);
            }
            if (null == nanoClock)
            {
                nanoClock = SystemNanoClock.INSTANCE;
            }
            return this;
        }

        /**
         * The Aeron client to subscribe with.
         *
         * @param aeron the node's client.
         * @return this.
         */
        public Context aeron(final Aeron aeron)
        {
            this.aeron = aeron;
            return this;
        }

        /**
         * The Aeron client.
         *
         * @return the client.
         */
        public Aeron aeron()
        {
            return aeron;
        }

        /**
         * The {@code aeron.ingress} section.
         *
         * @param settings channel, stream, limits.
         * @return this.
         */
        public Context settings(final IngressSettings settings)
        {
            this.settings = settings;
            return this;
        }

        /**
         * The {@code aeron.ingress} section.
         *
         * @return the settings.
         */
        public IngressSettings settings()
        {
            return settings;
        }

        /**
         * Where events go: the engine's input ring.
         *
         * @param publisher the engine's publisher.
         * @return this.
         */
        public Context publisher(final EventPublisher publisher)
        {
            this.publisher = publisher;
            return this;
        }

        /**
         * Where events go.
         *
         * @return the publisher.
         */
        public EventPublisher publisher()
        {
            return publisher;
        }

        /**
         * Allocates the ingress counters in the engine's counters file.
         *
         * @param counters the engine's allocator.
         * @return this.
         */
        public Context counters(final CounterAllocator counters)
        {
            this.counters = counters;
            return this;
        }

        /**
         * Allocates the ingress counters.
         *
         * @return the allocator.
         */
        public CounterAllocator counters()
        {
            return counters;
        }

        /**
         * Where the agent's unexpected errors go.
         *
         * @param errorHandler the engine's error handler.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * Where the agent's unexpected errors go.
         *
         * @return the handler.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * Where warning lines go (bad messages, clients coming, going and refused), rate-limited.
         *
         * @param log the sink; standard error by default.
         * @return this.
         */
        public Context log(final Consumer<String> log)
        {
            this.log = log;
            return this;
        }

        /**
         * Where warning lines go.
         *
         * @return the sink.
         */
        public Consumer<String> log()
        {
            return log;
        }

        /**
         * Idle strategy of the agent's thread; by default the one {@code aeron.ingress.idle} names.
         *
         * @param idleStrategy the strategy.
         * @return this.
         */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * Idle strategy of the agent's thread.
         *
         * @return the strategy.
         */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        /**
         * Clock of the sweep for departed clients and of log rate limits.
         *
         * @param nanoClock the clock.
         * @return this.
         */
        public Context nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        /**
         * Clock of the sweep and log rate limits.
         *
         * @return the clock.
         */
        public NanoClock nanoClock()
        {
            return nanoClock;
        }

        /**
         * Run the agent on an {@link AgentInvoker} the caller drives rather than a thread of its own (tests).
         *
         * @param useAgentInvoker true for an invoker.
         * @return this.
         */
        public Context useAgentInvoker(final boolean useAgentInvoker)
        {
            this.useAgentInvoker = useAgentInvoker;
            return this;
        }

        /**
         * Whether the caller drives the agent.
         *
         * @return true for an invoker.
         */
        public boolean useAgentInvoker()
        {
            return useAgentInvoker;
        }
    }
}
