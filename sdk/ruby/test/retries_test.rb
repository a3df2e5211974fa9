# frozen_string_literal: true

require_relative "test_helper"

# Idempotency keys, retries and thread-safe renewal: SCENARIO S28–S33.
class RetriesTest < ScenarioTest
  def test_s28_a_post_retried_after_a_503_creates_one_project
    client, delays, events = recording
    org = client.organizations.create(name: unique("Retry"))
    name = unique("Once")
    events.clear

    project = client.projects.create(organization: org.id, name: name, request_options: fault(503))

    assert_equal name, project.name
    assert_equal [503, 201], events.map(&:status)
    assert_equal [1.0], delays, "the 503's Retry-After"
    assert_equal [project.id], client.projects.list(organization: org.id).select { |p| p.name == name }.map(&:id)
  end

  def test_s28_a_post_whose_answer_was_lost_is_replayed_not_made_twice
    client, delays, events = recording
    org = client.organizations.create(name: unique("Lost answer"))
    name = unique("Once")
    events.clear

    project = client.projects.create(organization: org.id, name: name, request_options: fault(503, after_view: true))

    assert_equal [503, 201], events.map(&:status)
    assert_equal 1, delays.size
    assert client.last_response.idempotent_replayed?, "the retry carried the first attempt's key"
    assert_equal [project.id], client.projects.list(organization: org.id).map(&:id)
  end

  def test_s28_an_organization_whose_answer_was_lost_is_created_once
    client, _delays, _events = recording
    name = unique("Lost org")

    org = client.organizations.create(name: name, request_options: fault(502, after_view: true))

    assert client.last_response.idempotent_replayed?
    assert_equal [org.id], client.organizations.list(limit: 100).select { |o| o.name == name }.map(&:id)
  end

  def test_s29_connection_errors_are_retried_with_growing_jittered_delays_then_raised
    base = "http://127.0.0.1:#{closed_port}/v1"
    delays = []
    events = []
    client = CloudBooks::Client.new(api_key: "sk_live_#{"x" * 40}", base_url: base, max_retries: 3,
                                    initial_retry_delay: 0.5, sleep: ->(s) { delays << s },
                                    on_request: ->(event) { events << event })

    error = assert_raises(CloudBooks::APIConnectionError) { client.users.me }

    assert_kind_of CloudBooks::Error, error
    assert_nil error.status
    assert_equal 4, events.size
    assert events.all? { |event| event.status.nil? && event.error }
    assert_equal 3, delays.size
    delays.each_with_index do |delay, attempt|
      ceiling = 0.5 * (2**attempt)
      assert_operator delay, :>=, ceiling / 2, "half of the backoff is fixed"
      assert_operator delay, :<=, ceiling, "the other half is jitter"
    end
    assert_equal delays.sort, delays, "growing"

    delays.clear
    events.clear
    assert_raises(CloudBooks::APIConnectionError) do
      client.projects.create(organization: SecureRandom.uuid, name: "Unreachable")
    end
    assert_equal [4, 3], [events.size, delays.size]
  end

  def test_s29_a_timeout_is_a_connection_error
    silent = TCPServer.new("127.0.0.1", 0) # accepts connections (the backlog) and never answers
    client = CloudBooks::Client.new(api_key: "sk_live_x", base_url: "http://127.0.0.1:#{silent.addr[1]}/v1",
                                    max_retries: 0)

    error = assert_raises(CloudBooks::APITimeoutError) { client.users.me(request_options: {timeout: 0.2}) }
    assert_kind_of CloudBooks::APIConnectionError, error
  ensure
    silent&.close
  end

  def test_s30_a_429_is_retried_after_its_retry_after_not_the_backoff
    client, delays, events = recording

    assert_equal server["email"], client.users.me(request_options: fault(429)).email

    assert_equal [429, 200], events.map(&:status)
    assert_equal [1.0], delays
  end

  def test_s30_a_retry_after_beyond_the_ceiling_is_raised_at_once
    client, delays, _events = recording(max_retry_after: 0.5)

    error = assert_raises(CloudBooks::RateLimitError) { client.users.me(request_options: fault(429)) }

    assert_equal 1.0, error.retry_after
    assert_empty delays
  end

  def test_s31_a_get_is_retried_after_5xx_until_it_succeeds
    client, delays, events = recording

    assert_equal server["email"], client.users.me(request_options: fault(503, times: 2)).email
    assert_equal [503, 503, 200], events.map(&:status)
    assert_equal 2, delays.size

    [500, 502, 504].each do |status|
      delays.clear
      events.clear
      assert_equal server["email"], client.users.me(request_options: fault(status)).email
      assert_equal [status, 200], events.map(&:status)
      assert_equal 1, delays.size
    end
  end

  def test_s31_put_and_delete_are_retried_too
    client, delays, _events = recording
    org = client.organizations.create(name: unique("Idempotent verbs"))
    replaced = client.organizations.replace(org.id, name: unique("Put"), request_options: fault(500))
    assert_equal org.id, replaced.id
    assert_nil client.organizations.delete(org.id, request_options: fault(504))
    assert_equal 2, delays.size
    assert_raises(CloudBooks::NotFoundError) { client.organizations.get(org.id) }
  end

  def test_s32_retries_give_up_after_the_configured_number
    client, delays, events = recording(max_retries: 3)

    error = assert_raises(CloudBooks::ServiceUnavailableError) do
      client.users.me(request_options: fault(503, times: 10))
    end

    assert_envelope error, CloudBooks::ServiceUnavailableError, 503, "service_unavailable"
    assert_equal 3, delays.size
    assert_equal [503] * 4, events.map(&:status)
  end

  def test_s33_a_post_without_an_idempotency_key_is_not_retried
    client, delays, events = recording
    org = client.organizations.create(name: unique("No key"))
    events.clear

    assert_raises(CloudBooks::ServiceUnavailableError) do
      client.projects.create(organization: org.id, name: "Not retried",
                             request_options: fault(503).merge(idempotency_key: false))
    end

    assert_equal [503], events.map(&:status)
    assert_empty delays
    assert_empty client.projects.list(organization: org.id).to_a
  end

  def test_s33_patch_is_never_retried
    client, delays, events = recording
    org = client.organizations.create(name: unique("Patch"))
    events.clear

    assert_raises(CloudBooks::ServiceUnavailableError) do
      client.organizations.update(org.id, description: "Once", request_options: fault(503))
    end

    assert_equal [503], events.map(&:status)
    assert_empty delays
  end

  def test_a_refresh_is_retried_only_when_the_server_cannot_have_used_the_token
    client, delays, events = recording(:olive_login)
    events.clear

    assert_nil client.auth.refresh(request_options: fault(503))
    assert_equal [503, 200], events.map(&:status)
    assert_equal [1.0], delays
    assert_equal server["email"], client.users.me.email

    events.clear
    # The refresh is done, its answer lost: presenting the used token again would revoke the login.
    error = assert_raises(CloudBooks::APIError) { client.auth.refresh(request_options: fault(502, after_view: true)) }
    assert_equal 502, error.status
    assert_equal [502], events.map(&:status)
  end

  def test_renewal_is_shared_by_threads_that_find_the_token_expired_together
    events = Queue.new
    client = olive_login(on_request: ->(event) { events << event })
    first_token = client.access_token
    start = Queue.new
    threads = Array.new(6) do
      Thread.new do
        start.pop
        # Each thread's first attempt is refused as expired; each retry is accepted.
        client.users.me(request_options: {headers: {"CloudBooks-Test-Fault" => "expire-token;times=1;id=#{SecureRandom.uuid}"}})
      end
    end
    6.times { start << :go }

    emails = threads.map(&:value).map(&:email)

    assert_equal [server["email"]] * 6, emails
    refute_equal first_token, client.access_token
    seen = []
    seen << events.pop until events.empty?
    refreshes = seen.count { |event| event.url.end_with?("/auth/refresh") }
    refusals = seen.count { |event| event.status == 401 }
    assert_equal 6, refusals
    assert_operator refreshes, :>=, 1
    assert_operator refreshes, :<=, refusals
    assert(seen.select { |event| event.url.end_with?("/auth/refresh") }.all? { |event| event.status == 200 },
           "no refresh token was presented twice (that would revoke the login)")
    # The login is intact: its refresh token still renews, and the new token works.
    client.auth.refresh
    assert_equal server["email"], client.users.me.email
  end
end
