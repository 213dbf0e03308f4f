"""What the offline coach knows: per-discipline patterns keyed by the words that signal them.

Each entry is matched against the question; the first whose keywords appear wins, else the
discipline's general guidance is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Topic:
    keywords: tuple[str, ...]
    title: str
    points: dict[str, list[str]]
    follow_ups: tuple[str, ...] = ()
    code: str = ""
    extra: dict[str, str] = field(default_factory=dict)


SYSTEM_DESIGN: list[Topic] = [
    Topic(
        ("feed", "instagram", "twitter", "timeline", "social network", "tiktok"),
        "a social feed",
        {
            "Requirements": [
                "Post photos/videos and text; follow users; a home feed in near real time",
                "Non-functional: feed reads p99 < 200 ms, high availability over strict consistency, media durable",
            ],
            "Estimates": [
                "500M DAU × ~20 feed reads/day ≈ 115k reads/s average, ~3× at peak; writes ~100× fewer",
                "Media dominates storage: 100M uploads/day × 2 MB ≈ 200 TB/day → object storage + CDN",
            ],
            "API": [
                "POST /posts (media uploaded first via a pre-signed URL)",
                "GET /feed?cursor=… (cursor, not offset, paging)",
                "POST /users/{id}/follow",
            ],
            "Data model": [
                "posts(id, author_id, created_at, media_keys) sharded by author_id",
                "follows(follower_id, followee_id) in both directions",
                "feed cache: per-user list of post ids in Redis",
            ],
            "Deep dives": [
                "Fan-out on write for normal users, fan-out on read for celebrities (hybrid)",
                "Ranking: candidate generation then a lightweight scorer; keep it out of the write path",
                "Hot keys and thundering herds on viral posts: request coalescing and CDN",
            ],
            "Trade-offs": [
                "Hybrid fan-out costs complexity but bounds both write amplification and read latency",
                "Eventual consistency of the feed is acceptable; likes/counters can be approximate",
            ],
        },
        (
            "How do you handle a celebrity with 100 million followers posting?",
            "How would you rank the feed instead of showing it chronologically?",
            "What changes if the feed must appear within one second of posting?",
        ),
    ),
    Topic(
        ("chat", "whatsapp", "messag", "slack"),
        "a chat system",
        {
            "Requirements": [
                "1:1 and group messages, delivery and read receipts, offline delivery, history",
                "Low latency (< 200 ms in-region), ordered per conversation, no message loss",
            ],
            "Estimates": [
                "100M DAU × 50 messages/day ≈ 60k messages/s; persistent connections ≈ concurrent users"
            ],
            "API": [
                "WebSocket: send(conversation_id, client_msg_id, body); server pushes message/ack/receipt events",
                "REST: GET /conversations/{id}/messages?before=… for history",
            ],
            "Data model": [
                "messages(conversation_id, seq, sender_id, body, created_at) partitioned by conversation_id",
                "client_msg_id for idempotent retries; per-conversation sequence numbers for ordering",
            ],
            "Deep dives": [
                "Connection gateways + a presence service; route messages via a pub/sub layer",
                "Offline users: store-and-forward queue plus push notifications",
                "Group fan-out: write once, deliver to members' gateways; cap very large groups",
            ],
            "Trade-offs": [
                "Per-conversation ordering instead of global ordering keeps it scalable",
                "End-to-end encryption limits server-side search and moderation",
            ],
        },
        (
            "How do you guarantee ordering when a user sends from two devices?",
            "How would you implement read receipts in a 500-member group?",
            "What happens to in-flight messages when a gateway server dies?",
        ),
    ),
    Topic(
        ("url shortener", "bit.ly", "tinyurl", "short link"),
        "a URL shortener",
        {
            "Requirements": [
                "Create a short link for a long URL; redirect fast; optional custom alias and expiry",
                "Read-heavy (100:1), redirects p99 < 50 ms, links must never collide",
            ],
            "Estimates": [
                "100M new links/month ≈ 40/s writes, 4k/s redirects; 7 base62 chars ≈ 3.5 trillion ids"
            ],
            "API": ["POST /links {url, alias?, expires_at?} → {code}", "GET /{code} → 301/302 redirect"],
            "Data model": ["links(code PK, long_url, owner_id, created_at, expires_at); a KV store fits"],
            "Deep dives": [
                "Id generation: counter ranges handed to each server, encoded base62 (no collisions, no coordination per write)",
                "Cache hot codes in Redis/CDN; 302 if you need analytics, 301 to offload traffic",
                "Click analytics asynchronously through a queue, never in the redirect path",
            ],
            "Trade-offs": [
                "Hashing the URL dedupes but needs collision handling; counters are simpler but guessable"
            ],
        },
        (
            "How do you stop people enumerating all short links?",
            "How would you support custom aliases without collisions?",
            "How do you count clicks at 50k redirects per second?",
        ),
    ),
    Topic(
        ("rate limit",),
        "a distributed rate limiter",
        {
            "Requirements": [
                "Limit requests per user/API key/IP per window; consistent across many API servers",
                "Adds < 2 ms; answers 429 with Retry-After; configurable rules",
            ],
            "Estimates": ["1M requests/s across the fleet → one Redis op per request: shard counters by key"],
            "API": ["allow(key, rule) → {allowed, remaining, reset_at}; rules loaded from config"],
            "Data model": [
                "Redis keys rl:{rule}:{key}:{window} with TTL (fixed window) or a sorted set / token bucket state"
            ],
            "Deep dives": [
                "Algorithms: fixed window (simple, bursty at edges), sliding window log/counter, token bucket (allows bursts)",
                "Atomicity with a Lua script or INCR+EXPIRE; local pre-check to cut Redis load",
                "Failure mode: fail open (availability) or closed (protection)? decide per endpoint",
            ],
            "Trade-offs": ["Exactness vs cost: sliding-window counters are approximate but O(1) memory"],
        },
        (
            "What happens when the Redis cluster is unavailable?",
            "How would you rate-limit across multiple regions?",
            "How do you make limits fair between a few heavy and many light users?",
        ),
    ),
    Topic(
        ("notification",),
        "a notification service",
        {
            "Requirements": [
                "Send push, email and SMS; user preferences and quiet hours; templates; retries",
                "At-least-once delivery with dedupe; no spam during incidents",
            ],
            "Estimates": ["10M notifications/day ≈ 120/s average, bursts of 100× during campaigns"],
            "API": ["POST /notifications {user_id, template, channel_hint, idempotency_key}"],
            "Data model": [
                "notifications(id, user_id, channel, status, attempts), preferences(user_id, channel, opt_in)"
            ],
            "Deep dives": [
                "Queue per channel with workers; provider adapters with circuit breakers",
                "Idempotency keys and a dedupe window; exponential backoff with jitter",
                "Priority lanes so OTP codes never wait behind marketing blasts",
            ],
            "Trade-offs": ["At-least-once plus dedupe is far cheaper than exactly-once"],
        },
        (
            "How do you avoid sending the same push twice after a retry?",
            "How would you prioritise a password-reset SMS over a marketing campaign?",
            "What happens when the SMS provider is down for an hour?",
        ),
    ),
    Topic(
        ("crawler", "crawl"),
        "a web crawler",
        {
            "Requirements": [
                "Fetch and store a billion pages, refresh them, respect robots.txt and politeness"
            ],
            "Estimates": ["1B pages/month ≈ 400 pages/s; 100 KB each ≈ 100 TB/month of raw HTML"],
            "API": ["Internal: enqueue(url, priority); a frontier service hands out per-host batches"],
            "Data model": [
                "URL frontier (priority + per-host queues), seen-set (Bloom filter), content store keyed by hash"
            ],
            "Deep dives": [
                "Politeness: one queue per host, rate-limited; DNS caching",
                "Dedupe URLs (normalisation + Bloom filter) and content (simhash)",
                "Spider traps and infinite calendars: depth and per-host budgets",
            ],
            "Trade-offs": ["Freshness vs coverage: recrawl popular pages more often"],
        },
        (
            "How do you detect near-duplicate pages?",
            "How do you avoid overloading a small website?",
            "How would you prioritise which pages to recrawl?",
        ),
    ),
    Topic(
        ("uber", "ride", "lyft", "taxi", "delivery"),
        "a ride-sharing service",
        {
            "Requirements": [
                "Riders request, drivers are matched nearby, live location, trip lifecycle, payments"
            ],
            "Estimates": ["1M active drivers sending GPS every 4 s ≈ 250k location updates/s"],
            "API": ["POST /rides, PATCH /drivers/{id}/location, WebSocket for trip updates"],
            "Data model": [
                "trips(id, rider_id, driver_id, state, fare), driver locations in an in-memory geo index"
            ],
            "Deep dives": [
                "Geospatial index (geohash/H3 cells) held in memory, sharded by region",
                "Matching: nearest available drivers by ETA, not distance; lock a driver while offering",
                "Trip state machine persisted with idempotent transitions",
            ],
            "Trade-offs": ["Location data is ephemeral: keep it in memory, persist only trip events"],
        },
        (
            "How do you stop two riders being matched to the same driver?",
            "How would you compute surge pricing?",
            "What happens when a driver loses connectivity mid-trip?",
        ),
    ),
    Topic(
        ("video", "youtube", "netflix", "stream"),
        "a video platform",
        {
            "Requirements": ["Upload, transcode, stream adaptively worldwide; metadata, search, view counts"],
            "Estimates": ["500 hours uploaded per minute; each transcoded to ~6 renditions"],
            "API": ["Resumable upload to object storage; GET /videos/{id}/manifest.m3u8"],
            "Data model": ["videos(id, owner, status, renditions), views counted via a stream processor"],
            "Deep dives": [
                "Transcoding pipeline: chunk the video, parallel workers, a DAG per upload",
                "HLS/DASH adaptive bitrate served from a CDN; pre-warm popular content",
                "View counts: approximate, aggregated asynchronously",
            ],
            "Trade-offs": ["Storage vs compute: which renditions to keep for the long tail"],
        },
        (
            "How would you make uploads resumable on flaky mobile networks?",
            "How do you keep view counts accurate enough without hot rows?",
            "Which videos would you push to edge caches, and when?",
        ),
    ),
    Topic(
        ("autocomplete", "typeahead", "search"),
        "search autocomplete",
        {
            "Requirements": ["Suggest top completions per prefix in < 50 ms; update with trends"],
            "Estimates": ["10k queries/s × ~5 keystrokes ≈ 50k prefix lookups/s"],
            "API": ["GET /suggest?prefix=…&limit=10"],
            "Data model": ["Trie or prefix table with the top-k completions precomputed per node"],
            "Deep dives": [
                "Offline aggregation of query logs → rebuild tries periodically",
                "Cache popular prefixes at the edge; debounce on the client",
                "Personalisation and filtering of offensive suggestions",
            ],
            "Trade-offs": ["Precomputed top-k makes reads O(prefix) but updates slower"],
        },
        (
            "How would you reflect a trending query within minutes?",
            "How do you personalise suggestions?",
            "How do you shard the trie?",
        ),
    ),
    Topic(
        ("payment", "wallet", "ledger", "checkout"),
        "a payment system",
        {
            "Requirements": [
                "Charge, refund and pay out exactly once; auditable; integrate with payment providers"
            ],
            "Estimates": ["Modest QPS (hundreds/s) but zero tolerance for double charges"],
            "API": ["POST /payments with an Idempotency-Key header; webhooks from providers"],
            "Data model": [
                "Double-entry ledger (entries always balance), payments state machine, outbox table"
            ],
            "Deep dives": [
                "Idempotency keys stored with the result; retries return the same answer",
                "Transactional outbox for events; daily reconciliation against provider reports",
                "Timeouts to providers: mark payments 'unknown' and resolve asynchronously",
            ],
            "Trade-offs": ["Consistency over availability in the ledger; async everywhere else"],
        },
        (
            "What happens if the provider charges the card but your service times out?",
            "How do you reconcile your ledger with the bank's settlement file?",
            "How would you design refunds and partial refunds?",
        ),
    ),
]

SYSTEM_DESIGN_GENERAL = Topic(
    (),
    "the system",
    {
        "Requirements": [
            "List the 3–4 core features and what is out of scope",
            "Non-functional: scale, latency, availability, consistency, durability",
        ],
        "Estimates": [
            "Daily users → requests/s (divide by ~86,400, multiply by 3 for peak)",
            "Storage per item × items per day × retention",
        ],
        "API": ["The handful of endpoints or RPCs the core features need, with their key parameters"],
        "Data model": ["Entities, their access patterns and the partition key each one needs"],
        "Deep dives": [
            "The hardest part first: usually the hot read path, the write fan-out or consistency",
            "Caching, sharding, queues for slow work, failure handling",
        ],
        "Trade-offs": ["Name what you chose, what you gave up, and when you would revisit it"],
    },
    (),
)

CODING: list[Topic] = [
    Topic(
        ("linked list",),
        "linked-list pointer manipulation",
        {
            "Approach": [
                "Walk the list once, re-pointing each node's next to the previous node (three pointers: prev, cur, nxt)"
            ],
            "Complexity": ["O(n) time, O(1) extra space"],
            "Tests": ["empty list", "one node", "two nodes", "long list"],
        },
        (
            "Can you do it recursively? What does that cost in stack space?",
            "How would you reverse only nodes m to n?",
            "How would you detect a cycle first?",
        ),
        "def reverse(head):\n    prev = None\n    while head:\n        head.next, prev, head = prev, head, head.next\n    return prev",
    ),
    Topic(
        ("two sum", "add up to", "sum to", "target"),
        "hash-map lookup",
        {
            "Approach": [
                "Brute force checks every pair: O(n²)",
                "Better: one pass, storing each value's index in a dict and looking up target − x",
            ],
            "Complexity": ["O(n) time, O(n) space"],
            "Tests": ["no solution", "negative numbers", "duplicates (e.g. [3, 3], target 6)"],
        },
        (
            "What if the array is sorted — can you use O(1) space?",
            "How would you return all unique pairs?",
            "How does this extend to three numbers?",
        ),
        "def two_sum(nums, target):\n    seen = {}\n    for i, x in enumerate(nums):\n        if target - x in seen:\n            return [seen[target - x], i]\n        seen[x] = i\n    return []",
    ),
    Topic(
        ("palindrome",),
        "two pointers",
        {
            "Approach": [
                "Compare characters from both ends moving inwards; skip non-alphanumerics if the problem says so"
            ],
            "Complexity": ["O(n) time, O(1) space"],
            "Tests": ["empty string", "one char", "mixed case and punctuation"],
        },
        (
            "How would you find the longest palindromic substring?",
            "What if you may delete one character?",
            "How do you handle Unicode?",
        ),
        "def is_palindrome(s):\n    i, j = 0, len(s) - 1\n    while i < j:\n        if s[i] != s[j]:\n            return False\n        i, j = i + 1, j - 1\n    return True",
    ),
    Topic(
        ("substring", "subarray", "window"),
        "sliding window",
        {
            "Approach": [
                "Expand the right edge; when the window breaks the rule, move the left edge past the offending element",
                "Track the last index of each character in a dict",
            ],
            "Complexity": ["O(n) time, O(k) space for k distinct characters"],
            "Tests": ["empty", "all same chars", "all distinct", "'abba'"],
        },
        (
            "What if at most k distinct characters are allowed?",
            "How would this change for a stream of characters?",
            "Why is it O(n) even though the left pointer moves too?",
        ),
        "def longest_unique(s):\n    last, start, best = {}, 0, 0\n    for i, ch in enumerate(s):\n        if last.get(ch, -1) >= start:\n            start = last[ch] + 1\n        last[ch] = i\n        best = max(best, i - start + 1)\n    return best",
    ),
    Topic(
        ("lru",),
        "hash map + ordered list",
        {
            "Approach": [
                "A dict gives O(1) lookup; a doubly linked list (or OrderedDict) keeps recency; evict from the old end"
            ],
            "Complexity": ["O(1) per get/put, O(capacity) space"],
            "Tests": ["capacity 1", "update existing key", "get refreshes recency"],
        },
        (
            "How would you make it thread-safe?",
            "How would you implement LFU instead?",
            "How would a distributed cache evict?",
        ),
        "from collections import OrderedDict\n\nclass LRUCache:\n    def __init__(self, capacity):\n        self.cap, self.data = capacity, OrderedDict()\n\n    def get(self, key):\n        if key not in self.data:\n            return -1\n        self.data.move_to_end(key)\n        return self.data[key]\n\n    def put(self, key, value):\n        self.data[key] = value\n        self.data.move_to_end(key)\n        if len(self.data) > self.cap:\n            self.data.popitem(last=False)",
    ),
    Topic(
        ("merge k", "k sorted", "kth", "top k", "heap"),
        "a min-heap",
        {
            "Approach": [
                "Push the head of each list into a heap keyed by value; pop the smallest, push its successor"
            ],
            "Complexity": ["O(N log k) time for N total elements, O(k) space"],
            "Tests": ["empty lists", "k = 1", "duplicates across lists"],
        },
        (
            "How else could you do it (divide and conquer)?",
            "What if the lists do not fit in memory?",
            "Why not concatenate and sort?",
        ),
        "import heapq\n\ndef merge_k(lists):\n    heap = [(l[0], i, 0) for i, l in enumerate(lists) if l]\n    heapq.heapify(heap)\n    out = []\n    while heap:\n        val, i, j = heapq.heappop(heap)\n        out.append(val)\n        if j + 1 < len(lists[i]):\n            heapq.heappush(heap, (lists[i][j + 1], i, j + 1))\n    return out",
    ),
    Topic(
        ("cycle", "graph", "course schedule", "dependencies"),
        "DFS with three colours",
        {
            "Approach": [
                "DFS marking nodes white/grey/black; reaching a grey node means a back edge, i.e. a cycle",
                "Alternative: Kahn's topological sort — a cycle exists if not every node is output",
            ],
            "Complexity": ["O(V + E) time and space"],
            "Tests": ["self-loop", "disconnected graph", "DAG with shared children"],
        },
        (
            "How would you return the cycle itself?",
            "What changes for an undirected graph?",
            "How would you avoid recursion limits?",
        ),
        "def has_cycle(graph):\n    WHITE, GREY, BLACK = 0, 1, 2\n    colour = {v: WHITE for v in graph}\n\n    def visit(v):\n        colour[v] = GREY\n        for w in graph[v]:\n            if colour[w] == GREY or (colour[w] == WHITE and visit(w)):\n                return True\n        colour[v] = BLACK\n        return False\n\n    return any(colour[v] == WHITE and visit(v) for v in graph)",
    ),
    Topic(
        ("level order", "binary tree", "tree", "bfs", "traversal"),
        "breadth-first search",
        {
            "Approach": [
                "Use a queue; process the tree one level at a time by taking len(queue) nodes per round"
            ],
            "Complexity": ["O(n) time, O(width) space"],
            "Tests": ["empty tree", "single node", "skewed tree"],
        },
        (
            "How would you return the zigzag order?",
            "How would you do it with DFS?",
            "What is the right-side view?",
        ),
        "from collections import deque\n\ndef level_order(root):\n    if not root:\n        return []\n    out, q = [], deque([root])\n    while q:\n        level = []\n        for _ in range(len(q)):\n            node = q.popleft()\n            level.append(node.val)\n            q.extend(c for c in (node.left, node.right) if c)\n        out.append(level)\n    return out",
    ),
    Topic(
        ("island", "grid", "matrix", "flood"),
        "flood fill (DFS/BFS on a grid)",
        {
            "Approach": [
                "Scan the grid; on each unvisited land cell, count an island and flood-fill its neighbours"
            ],
            "Complexity": ["O(rows × cols) time and space"],
            "Tests": ["all water", "all land", "diagonal neighbours (not connected)"],
        },
        (
            "How would you count islands as cells are added one by one (union-find)?",
            "How do you find the largest island?",
            "What if the grid is too big for memory?",
        ),
        "def num_islands(grid):\n    rows, cols, count = len(grid), len(grid[0]) if grid else 0, 0\n\n    def sink(r, c):\n        stack = [(r, c)]\n        while stack:\n            r, c = stack.pop()\n            if 0 <= r < rows and 0 <= c < cols and grid[r][c] == '1':\n                grid[r][c] = '0'\n                stack += [(r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)]\n\n    for r in range(rows):\n        for c in range(cols):\n            if grid[r][c] == '1':\n                count += 1\n                sink(r, c)\n    return count",
    ),
    Topic(
        ("number of ways", "stairs", "minimum cost", "dynamic programming", "coin"),
        "dynamic programming",
        {
            "Approach": [
                "Define the state (ways to reach step i), the recurrence (f(i) = f(i−1) + f(i−2)) and the base cases",
                "Start with memoised recursion, then turn it into an iterative table with O(1) space",
            ],
            "Complexity": ["O(n) time, O(1) space"],
            "Tests": ["n = 0, 1, 2", "large n (no recursion limit)"],
        },
        (
            "What if you can take 1, 2 or 3 steps?",
            "What if some steps are broken?",
            "How would you return the paths themselves?",
        ),
        "def climb(n):\n    a, b = 1, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a",
    ),
    Topic(
        ("interval", "overlap", "meeting"),
        "sort then sweep",
        {
            "Approach": [
                "Sort by start; walk once, merging each interval into the last one when they overlap"
            ],
            "Complexity": ["O(n log n) time, O(n) output"],
            "Tests": ["touching intervals [1,2],[2,3]", "nested", "unsorted input"],
        },
        (
            "How many meeting rooms are needed?",
            "How would you insert one new interval?",
            "What if intervals arrive as a stream?",
        ),
        "def merge(intervals):\n    out = []\n    for s, e in sorted(intervals):\n        if out and s <= out[-1][1]:\n            out[-1][1] = max(out[-1][1], e)\n        else:\n            out.append([s, e])\n    return out",
    ),
    Topic(
        ("sorted", "binary search", "median", "rotated"),
        "binary search",
        {
            "Approach": [
                "Keep an invariant on [lo, hi) and halve the range each step; be explicit about which half keeps the answer"
            ],
            "Complexity": ["O(log n) time, O(1) space"],
            "Tests": ["empty", "target at each end", "target absent", "duplicates"],
        },
        (
            "How do you find the first occurrence with duplicates?",
            "How does this work on a rotated array?",
            "Can you binary-search on the answer?",
        ),
        "def search(nums, target):\n    lo, hi = 0, len(nums)\n    while lo < hi:\n        mid = (lo + hi) // 2\n        if nums[mid] < target:\n            lo = mid + 1\n        else:\n            hi = mid\n    return lo if lo < len(nums) and nums[lo] == target else -1",
    ),
]

CODING_GENERAL = Topic(
    (),
    "the problem",
    {
        "Approach": [
            "State the brute force and its cost first",
            "Look for the pattern: hashing, two pointers, sliding window, sorting, BFS/DFS, heap, DP",
            "Explain the invariant before writing code",
        ],
        "Complexity": ["Give time and space for both the brute force and your solution"],
        "Tests": ["empty input", "one element", "duplicates", "the largest input size"],
    },
    (),
    "def solve(data):\n    # 1. handle edge cases\n    # 2. apply the pattern, keeping its invariant\n    # 3. return the answer\n    ...",
)

BEHAVIORAL: list[Topic] = [
    Topic(
        ("disagree", "conflict", "argument", "push back"),
        "collaboration and handling disagreement",
        {
            "Good answer": [
                "Disagree on the substance, not the person; show you listened and used data",
                "End with a decision everyone committed to — even if it was not yours",
            ],
            "Pitfalls": [
                "Making the other person the villain",
                "A story where you simply gave in, or simply won",
            ],
        },
        (
            "What would you do differently next time?",
            "How did the relationship look afterwards?",
            "Tell me about a time you were wrong in a disagreement.",
        ),
    ),
    Topic(
        ("fail", "mistake", "wrong", "regret"),
        "ownership and learning",
        {
            "Good answer": [
                "A real failure with real consequences, owned in the first person",
                "What you changed afterwards (a process, a habit), with evidence it worked",
            ],
            "Pitfalls": ["A disguised success ('I worked too hard')", "Blaming others or circumstances"],
        },
        (
            "How did you tell your manager?",
            "What would have caught it earlier?",
            "Has the lesson helped you since?",
        ),
    ),
    Topic(
        ("leader", "influence", "authority", "led", "initiative"),
        "leadership and influence",
        {
            "Good answer": [
                "How you built alignment: the problem framing, the data, the people you brought along",
                "A measurable outcome and what others did differently because of you",
            ],
            "Pitfalls": ["Confusing leadership with doing everything yourself"],
        },
        (
            "Who resisted, and how did you win them over?",
            "What would you do with a bigger team?",
            "How did you measure the impact?",
        ),
    ),
    Topic(
        ("deadline", "pressure", "prioriti", "too much", "tight"),
        "prioritisation under pressure",
        {
            "Good answer": [
                "How you cut scope deliberately and told stakeholders early",
                "The trade-off you made and how quality was protected",
            ],
            "Pitfalls": ["Heroics and overtime as the whole answer"],
        },
        (
            "What did you decide not to do?",
            "How did you communicate the risk?",
            "How do you prevent the same crunch next time?",
        ),
    ),
    Topic(
        ("feedback", "criticism"),
        "coachability",
        {
            "Good answer": [
                "The specific feedback, your first reaction, and what you changed",
                "Evidence you sought more feedback afterwards",
            ],
            "Pitfalls": ["Feedback you did not really act on"],
        },
        (
            "How do you give hard feedback to others?",
            "Was there feedback you disagreed with?",
            "How did you check you had improved?",
        ),
    ),
    Topic(
        ("mentor", "coach", "junior", "grow", "develop"),
        "developing others",
        {
            "Good answer": [
                "Their starting point, what you did (pairing, stretch tasks, feedback), and where they are now"
            ],
            "Pitfalls": ["Taking the credit for their progress"],
        },
        (
            "How do you adapt to different learning styles?",
            "What did you learn from mentoring?",
            "How do you scale mentoring across a team?",
        ),
    ),
    Topic(
        ("weakness", "improve about yourself"),
        "self-awareness",
        {
            "Good answer": [
                "A genuine, relevant weakness, the concrete steps you are taking, and progress so far"
            ],
            "Pitfalls": ["A humblebrag", "A weakness that is core to the role without a plan"],
        },
        (
            "How do your colleagues notice it?",
            "What is your biggest strength?",
            "What feedback led you to see it?",
        ),
    ),
    Topic(
        ("why do you want", "why this company", "work here", "leaving", "five years", "salary", "yourself"),
        "motivation and fit",
        {
            "Good answer": [
                "Company → role → you: what draws you to them specifically, what you bring, where you want to grow"
            ],
            "Pitfalls": ["Generic praise you could say about any company", "Talking only about what you get"],
        },
        (
            "What do you know about our product?",
            "What would make you leave in a year?",
            "What are you looking for in a manager?",
        ),
    ),
]

BEHAVIORAL_GENERAL = Topic(
    (),
    "the competency behind the question",
    {
        "Good answer": [
            "One specific story, recent, where your actions changed the outcome",
            "Spend most of the time on the Action; quantify the Result",
        ],
        "Pitfalls": ["Saying 'we' throughout", "A vague, hypothetical answer"],
    },
    (),
)

PRODUCT: list[Topic] = [
    Topic(
        ("dropped", "drop", "decline", "decreased", "fell", "investigate"),
        "diagnosing a metric change",
        {
            "Framework": [
                "Check the data first (tracking change, outage, seasonality)",
                "Segment: platform, region, user cohort, acquisition channel",
                "Internal causes (releases, experiments) vs external (competitor, holiday, press)",
                "Form hypotheses, validate the top two, propose a fix",
            ],
            "Metrics": ["The metric's definition and its inputs (e.g. DAU = new + returning − churned)"],
        },
        (
            "What if the drop is only on Android?",
            "How would you tell seasonality from a real problem?",
            "What would you tell leadership in the first hour?",
        ),
    ),
    Topic(
        ("prioriti", "roadmap", "competing", "trade off"),
        "prioritisation",
        {
            "Framework": [
                "Anchor on the goal and the metric it moves",
                "Score options with RICE (reach × impact × confidence ÷ effort)",
                "Sanity-check with strategy, dependencies and risk",
                "Communicate what is *not* being done and why",
            ],
            "Metrics": ["The one metric each option is expected to move, and by how much"],
        },
        (
            "How do you handle a senior stakeholder who disagrees with the ranking?",
            "How would you size reach and impact without data?",
            "When would you ignore the scores?",
        ),
    ),
    Topic(
        ("metric", "measure", "success", "kpi", "north star"),
        "defining success metrics",
        {
            "Framework": [
                "State the product goal and user value",
                "Pick a north-star metric that captures delivered value",
                "Add input metrics (HEART or AARRR) and guardrails (latency, complaints, cannibalisation)",
                "Define how you would read an A/B test",
            ],
            "Metrics": ["Activation rate, 7-day retention, task success, time-to-value"],
        },
        (
            "Which single metric would you put on the dashboard?",
            "How could this metric be gamed?",
            "What guardrail would stop a harmful launch?",
        ),
    ),
    Topic(
        ("launch", "tier", "pricing", "should", "sunset", "strategy", "enter"),
        "a strategic decision",
        {
            "Framework": [
                "Clarify the objective (growth, revenue, retention)",
                "Market and users: who gains, who loses",
                "Options including 'do nothing'",
                "Decision criteria, risks, and a reversible test (pilot, A/B)",
            ],
            "Metrics": ["Revenue per user, conversion, churn, cannibalisation of existing plans"],
        },
        (
            "How would you test this before a full launch?",
            "What would make you reverse the decision?",
            "How do competitors change your answer?",
        ),
    ),
]

PRODUCT_GENERAL = Topic(
    (),
    "a product improvement",
    {
        "Framework": [
            "Clarify the goal and constraints (CIRCLES: comprehend, identify the customer, report needs)",
            "Pick one user segment and its most painful problem",
            "Brainstorm 3 solutions; prioritise by impact vs effort",
            "Define success metrics and how you would test it",
        ],
        "Metrics": ["A north-star metric plus one guardrail"],
    },
    (),
)

ARCHITECTURE: list[Topic] = [
    Topic(
        ("microservice", "monolith"),
        "monolith vs microservices",
        {
            "Options": [
                "Monolith: one deployable, simplest to build and operate",
                "Modular monolith: one deployable with enforced module boundaries",
                "Microservices: independent deployables owned by teams",
            ],
            "Trade-offs": [
                "Microservices buy team autonomy and independent scaling at the cost of network failures, distributed data and ops load",
                "A small team rarely has the ops capacity; boundaries are cheaper to fix inside one codebase",
            ],
            "Recommendation": [
                "Start with a modular monolith; extract a service when a module needs independent scaling, release cadence or ownership"
            ],
        },
        (
            "Which module would you extract first, and how?",
            "How do services share data without a shared database?",
            "What operational capabilities must exist before microservices?",
        ),
    ),
    Topic(
        ("event sourcing", "cqrs"),
        "event sourcing and CQRS",
        {
            "Options": [
                "CRUD with an audit table",
                "Event sourcing: state derived from an append-only event log",
                "CQRS: separate write model and read projections",
            ],
            "Trade-offs": [
                "Full history, temporal queries and easy projections vs schema evolution of events, eventual consistency and a steeper learning curve"
            ],
            "Recommendation": [
                "Use it where the history *is* the domain (ledgers, orders); keep CRUD elsewhere"
            ],
        },
        (
            "How do you evolve an event schema?",
            "How do you rebuild a projection with a billion events?",
            "How do users see their own writes immediately?",
        ),
    ),
    Topic(
        ("saga", "distributed transaction", "two-phase", "2pc"),
        "consistency across services",
        {
            "Options": [
                "Two-phase commit",
                "Saga (orchestrated or choreographed) with compensating actions",
                "Transactional outbox + idempotent consumers",
            ],
            "Trade-offs": [
                "2PC blocks on coordinator failure; sagas are available but only eventually consistent and need compensations"
            ],
            "Recommendation": ["Sagas with an outbox for reliable events; design each step idempotent"],
        },
        (
            "What if a compensation fails?",
            "Orchestration or choreography — when each?",
            "How do you observe a saga in production?",
        ),
    ),
    Topic(
        ("migrat", "legacy", "break", "strangler", "without downtime"),
        "an incremental migration",
        {
            "Options": [
                "Big-bang rewrite",
                "Strangler fig: route slices of traffic to new components",
                "Branch by abstraction inside the codebase",
            ],
            "Trade-offs": [
                "Big bang is risky and long; strangler keeps value flowing but runs two systems for a while"
            ],
            "Recommendation": [
                "Strangler fig behind a routing layer, data migrated with dual writes or CDC, each slice verified with shadow traffic"
            ],
        },
        (
            "How do you migrate the data without downtime?",
            "How do you decide the first slice?",
            "How do you know when to switch off the old path?",
        ),
    ),
    Topic(
        ("synchronous", "asynchronous", "messaging", "rest", "grpc", "between services"),
        "service integration style",
        {
            "Options": [
                "Synchronous REST/gRPC",
                "Asynchronous messaging (queues, event streams)",
                "A mix: sync for queries, async for state changes",
            ],
            "Trade-offs": [
                "Sync is simple and immediate but couples availability; async decouples and absorbs load but adds eventual consistency and harder debugging"
            ],
            "Recommendation": [
                "Queries sync with timeouts and circuit breakers; commands and events async with idempotent consumers"
            ],
        },
        (
            "How do you handle a slow downstream service?",
            "How do you trace a request across a queue?",
            "How do you version message schemas?",
        ),
    ),
    Topic(
        ("region", "active-active", "availability", "disaster"),
        "multi-region availability",
        {
            "Options": [
                "Active-passive with failover",
                "Active-active with data partitioned by home region",
                "Active-active with multi-master replication",
            ],
            "Trade-offs": [
                "Failover is simpler but has RTO/RPO; active-active needs conflict handling and costs more"
            ],
            "Recommendation": [
                "Partition users by home region, replicate asynchronously, practise failover regularly"
            ],
        },
        (
            "What is your RPO and RTO, and how do you test them?",
            "How do you resolve write conflicts?",
            "Which data must be global?",
        ),
    ),
]

ARCHITECTURE_GENERAL = Topic(
    (),
    "the architectural decision",
    {
        "Options": ["Two or three realistic alternatives, including the simplest one"],
        "Trade-offs": ["Compare on complexity, coupling, consistency, scalability, cost and team fit"],
        "Recommendation": [
            "Pick one, state the conditions under which you would change your mind, record it as an ADR"
        ],
    },
    (),
)

TECHNICAL: list[Topic] = [
    Topic(
        ("gil",),
        "the Python GIL",
        {
            "Concept": ["A mutex in CPython that lets only one thread execute Python bytecode at a time"],
            "How it works": [
                "Threads release it on blocking I/O and periodically; C extensions can release it around heavy work"
            ],
            "Example": [
                "Threads speed up I/O-bound downloads, not CPU-bound loops; use multiprocessing or native code for CPU work"
            ],
            "Pitfalls": [
                "The GIL does not make your code thread-safe: `x += 1` is not atomic",
                "Free-threaded CPython (3.13+) changes the picture",
            ],
        },
        (
            "When would you use asyncio instead of threads?",
            "How does multiprocessing share data?",
            "What changes with free-threaded Python?",
        ),
    ),
    Topic(
        ("garbage",),
        "garbage collection",
        {
            "Concept": ["Automatic reclamation of objects no longer reachable from roots"],
            "How it works": [
                "Generational collection: most objects die young; tracing from GC roots; compaction to fight fragmentation"
            ],
            "Example": ["A cache holding references forever is a memory leak even with a GC"],
            "Pitfalls": ["Stop-the-world pauses; tuning heap sizes; finalizers"],
        },
        (
            "How would you diagnose a memory leak in production?",
            "What is a stop-the-world pause?",
            "How does reference counting differ?",
        ),
    ),
    Topic(
        ("process", "thread"),
        "processes and threads",
        {
            "Concept": ["A process has its own address space; threads share their process's memory"],
            "How it works": [
                "Context switches between threads are cheaper; processes are isolated by the OS"
            ],
            "Example": [
                "A web server using worker processes for isolation and threads or async for concurrency inside each"
            ],
            "Pitfalls": ["Shared memory means races; processes cost more memory and need IPC"],
        },
        (
            "What is a race condition and how do you prevent it?",
            "What is a deadlock?",
            "When would you choose processes over threads?",
        ),
    ),
    Topic(
        ("isolation", "mvcc", "transaction"),
        "transactions and isolation",
        {
            "Concept": ["Isolation levels define which concurrent anomalies a transaction may see"],
            "How it works": [
                "Read committed, repeatable read, serializable; PostgreSQL uses MVCC so readers do not block writers"
            ],
            "Example": [
                "Two withdrawals reading the same balance: a lost update unless you use SELECT … FOR UPDATE or serializable"
            ],
            "Pitfalls": ["Serializable transactions must be retried", "Long transactions hold back VACUUM"],
        },
        (
            "What is write skew?",
            "How does PostgreSQL implement snapshots?",
            "When would you use optimistic locking?",
        ),
    ),
    Topic(
        ("index", "b-tree", "btree"),
        "database indexes",
        {
            "Concept": [
                "A sorted auxiliary structure (usually a B-tree) that finds rows without scanning the table"
            ],
            "How it works": [
                "Logarithmic lookups by the leading columns; covering indexes avoid table visits"
            ],
            "Example": ["An index on (owner_id, created_at) serves 'my newest items' without sorting"],
            "Pitfalls": [
                "Every index slows writes",
                "Functions on the column or low selectivity defeat it",
                "Column order matters",
            ],
        },
        ("How do you read an EXPLAIN plan?", "When is a sequential scan better?", "What is a partial index?"),
    ),
    Topic(
        ("tls", "https", "ssl", "in transit"),
        "TLS",
        {
            "Concept": ["A protocol giving confidentiality, integrity and server authentication over TCP"],
            "How it works": [
                "Handshake: key exchange (ECDHE), certificate validation against trusted CAs, then symmetric encryption"
            ],
            "Example": ["A browser verifying a certificate chain for the site's hostname"],
            "Pitfalls": [
                "Expired certificates",
                "Not validating hostnames in clients",
                "TLS termination leaving internal hops in plain text",
            ],
        },
        ("What is forward secrecy?", "What does mTLS add?", "How does certificate pinning work?"),
    ),
    Topic(
        ("tcp", "udp"),
        "TCP and UDP",
        {
            "Concept": [
                "TCP gives reliable, ordered byte streams; UDP sends independent datagrams without guarantees"
            ],
            "How it works": [
                "TCP: handshake, acknowledgements, retransmission, congestion control; UDP: none of that"
            ],
            "Example": ["HTTP/1 and 2 over TCP; DNS, games and QUIC over UDP"],
            "Pitfalls": ["Head-of-line blocking in TCP", "Reimplementing reliability badly over UDP"],
        },
        ("Why is QUIC built on UDP?", "What is a TCP handshake's cost?", "How does congestion control work?"),
    ),
    Topic(
        ("url", "browser", "enter"),
        "what happens when you load a URL",
        {
            "Concept": ["DNS resolution, a TCP/TLS connection, an HTTP request, then rendering"],
            "How it works": [
                "Caches at every step (browser, OS, resolver); CDNs; the server's load balancer and app"
            ],
            "Example": ["Walk through one request with timings from the browser's network panel"],
            "Pitfalls": ["Going too deep on one layer and running out of time"],
        },
        ("How does DNS caching work?", "What does the CDN do?", "How is the page rendered?"),
    ),
    Topic(
        ("closure",),
        "closures",
        {
            "Concept": ["A function bundled with the variables of the scope it was created in"],
            "How it works": [
                "The inner function keeps a reference to the outer scope, which outlives the call"
            ],
            "Example": [
                "A counter factory: makeCounter() returns a function incrementing its own private count"
            ],
            "Pitfalls": ["Loop variables captured by reference", "Accidental memory retention"],
        },
        (
            "How do closures enable module patterns?",
            "What is the classic var-in-a-loop bug?",
            "How do closures relate to currying?",
        ),
    ),
    Topic(
        ("jwt", "oauth", "token"),
        "JWTs and tokens",
        {
            "Concept": ["A signed, self-contained token carrying claims (subject, expiry)"],
            "How it works": [
                "Header.payload.signature, verified with a shared secret (HS256) or a public key (RS256/ES256)"
            ],
            "Example": ["An API validating an access token without a database lookup"],
            "Pitfalls": [
                "Accepting alg=none",
                "Long lifetimes with no revocation",
                "Storing secrets in the payload (it is only encoded)",
            ],
        },
        ("How do you revoke a JWT?", "Access vs refresh tokens?", "Where should a browser store tokens?"),
    ),
    Topic(
        ("cap", "consistency"),
        "the CAP theorem",
        {
            "Concept": [
                "During a network partition a distributed store must choose consistency or availability"
            ],
            "How it works": ["CP systems refuse some requests; AP systems answer with possibly stale data"],
            "Example": ["A bank ledger (CP) vs a shopping cart (AP)"],
            "Pitfalls": ["CAP says nothing about normal operation — PACELC covers latency vs consistency"],
        },
        ("What is eventual consistency?", "How do quorums work?", "What is PACELC?"),
    ),
]

TECHNICAL_GENERAL = Topic(
    (),
    "the concept",
    {
        "Concept": ["Define it in one precise sentence"],
        "How it works": ["Explain the mechanism underneath, one level deeper than the question"],
        "Example": ["A concrete example from code or a system you built"],
        "Pitfalls": ["The common misconception and the failure mode in production"],
    },
    (),
)


def match(topics: list[Topic], general: Topic, text: str) -> Topic:
    lower = text.lower()
    for topic in topics:
        if any(k in lower for k in topic.keywords):
            return topic
    return general
