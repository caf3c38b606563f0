package org.siteconnect.gateway.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which node hosts the stateful services (sessions, agents, chats, co-browse, chat buttons): the oldest member
 * of the cluster. Hazelcast keeps one member list, in join order, on every member, so every node agrees; when
 * the oldest leaves or dies, the next one notices through the membership event and takes over.
 * A single node is always the leader.
 */
public final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final HazelcastInstance hazelcast;
  private final AtomicBoolean leader = new AtomicBoolean();
  private volatile Runnable onElected = () -> {};

  private Leadership(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  public static Leadership single() {
    Leadership l = new Leadership(null);
    l.leader.set(true);
    return l;
  }

  public static Leadership of(HazelcastInstance hazelcast) {
    Leadership l = new Leadership(hazelcast);
    l.leader.set(l.oldestIsMe());
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        // a newer member never changes who is oldest
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        l.recheck(event.getMember());
      }
    });
    return l;
  }

  /** Runs (on a Hazelcast thread) when this node becomes the leader after start-up. */
  public void onElected(Runnable action) {
    this.onElected = action;
  }

  public boolean isLeader() {
    return leader.get();
  }

  public boolean clustered() {
    return hazelcast != null;
  }

  private void recheck(Member gone) {
    if (oldestIsMe() && leader.compareAndSet(false, true)) {
      LOG.info(
          "node {} left the cluster; this node is now the leader and takes over the services",
          gone.getUuid());
      onElected.run();
    }
  }

  private boolean oldestIsMe() {
    Iterator<Member> members = hazelcast.getCluster().getMembers().iterator();
    return members.hasNext() && members.next().localMember();
  }
}
