# frozen_string_literal: true

require_relative "test_helper"

# Credentials: SCENARIO S1–S10.
class CredentialsTest < ScenarioTest
  def test_s01_login_knows_the_user_and_holds_an_access_token
    client = CloudBooks::Client.login(email: server["email"], password: server["password"], base_url: base_url)

    assert_equal server["email"], client.user.email
    assert client.logged_in?
    assert_match(/\AeyJ/, client.access_token)
    me = client.users.me
    assert_instance_of CloudBooks::User, me
    assert_equal server["email"], me.email
  end

  def test_s01_login_with_a_wrong_password_is_an_authentication_error
    error = assert_raises(CloudBooks::AuthenticationError) do
      CloudBooks::Client.login(email: server["pro_email"] + ".nobody", password: "wrong", base_url: base_url)
    end
    assert_envelope error, CloudBooks::AuthenticationError, 401, "unauthorized"
  end

  def test_s02_an_api_key_client_is_olive
    assert_equal server["email"], olive.users.me.email
  end

  def test_s02_the_api_key_comes_from_the_environment_by_default
    previous = ENV.fetch("CLOUDBOOKS_API_KEY", nil)
    ENV["CLOUDBOOKS_API_KEY"] = server["api_key"]
    assert_equal server["email"], CloudBooks::Client.new(base_url: base_url).users.me.email
  ensure
    ENV["CLOUDBOOKS_API_KEY"] = previous
  end

  def test_s02_a_key_that_does_not_exist_is_a_401
    client = CloudBooks::Client.new(api_key: "sk_live_#{"0" * 40}", base_url: base_url)
    error = assert_raises(CloudBooks::AuthenticationError) { client.users.me }
    assert_envelope error, CloudBooks::AuthenticationError, 401, "unauthorized"
  end

  def test_s03_whoami_with_a_key_names_the_key_and_the_free_budget
    whoami = olive.auth.whoami

    assert_instance_of CloudBooks::Whoami, whoami
    assert_equal server["email"], whoami.user.email
    credential = whoami.credential
    assert_instance_of CloudBooks::APIKeyCredential, credential
    assert credential.api_key?
    assert_equal "api_key", credential.type
    assert_equal "read_write", credential.scope
    assert_match(/\A\h{8}-\h{4}-\h{4}-\h{4}-\h{12}\z/, credential.id)
    refute_empty credential.name
    assert server["api_key"].start_with?(credential.prefix.delete_suffix("…").delete_suffix("..."))
    assert_kind_of Time, credential.created_at
    assert_nil credential.expires_at
    assert(credential.last_used_at.nil? || credential.last_used_at.is_a?(Time))
    assert_equal "free", whoami.rate_limit.plan
    assert_equal 1000, whoami.rate_limit.limit
    assert_kind_of Integer, whoami.rate_limit.remaining
    assert_operator whoami.rate_limit.reset, :>, Time.now.to_i
  end

  def test_s04_whoami_with_a_login_is_an_access_token_that_expires_later
    whoami = olive_login.auth.whoami

    credential = whoami.credential
    assert_instance_of CloudBooks::AccessTokenCredential, credential
    assert credential.access_token?
    assert_equal "access_token", credential.type
    assert_equal "read_write", credential.scope
    assert_operator credential.expires_at, :>, Time.now
    refute_respond_to credential, :prefix

    pablo = pablo_login.auth.whoami
    assert_equal server["pro_email"], pablo.user.email
    assert_equal "pro", pablo.rate_limit.plan
    assert_equal 10_000, pablo.rate_limit.limit
  end

  def test_s05_a_read_only_key_reads_but_may_not_write
    client = read_only
    assert_equal "read_only", client.auth.whoami.credential.scope
    assert_kind_of Array, client.organizations.list.to_a

    name = unique("Read-only")
    error = assert_raises(CloudBooks::PermissionDeniedError) { client.organizations.create(name: name) }
    assert_envelope error, CloudBooks::PermissionDeniedError, 403, "forbidden"
    refute_includes olive.organizations.list(limit: 100).map(&:name), name
  end

  def test_s06_explicit_refresh_gives_a_new_token_that_works
    client = olive_login
    before = client.access_token
    refresh_before = client.refresh_token

    assert_nil client.auth.refresh

    refute_equal before, client.access_token
    refute_equal refresh_before, client.refresh_token
    assert_equal server["email"], client.users.me.email
  end

  def test_s06_an_api_key_client_cannot_refresh
    assert_raises(CloudBooks::Error) { olive.auth.refresh }
  end

  def test_s07_an_expired_token_is_renewed_and_the_call_retried_transparently
    events = []
    client = olive_login(on_request: ->(event) { events << event })
    before = client.access_token
    events.clear

    me = client.users.me(request_options: {headers: {"CloudBooks-Test-Fault" => "expire-token;times=1;id=#{SecureRandom.uuid}"}})

    assert_equal server["email"], me.email
    refute_equal before, client.access_token
    assert_equal [401, 200, 200], events.map(&:status)
    assert_equal %w[/users/me /auth/refresh /users/me], events.map { |event| event.url.delete_prefix(base_url) }
  end

  def test_s08_a_401_that_renewal_cannot_cure_is_raised_after_one_renewal
    events = []
    client = olive_login(on_request: ->(event) { events << event })
    events.clear

    error = assert_raises(CloudBooks::AuthenticationError) do
      client.users.me(request_options: {headers: {"CloudBooks-Test-Fault" => "expire-token"}})
    end

    assert_envelope error, CloudBooks::AuthenticationError, 401, "unauthorized"
    assert_equal [401, 200, 401], events.map(&:status)
    assert_equal 1, events.count { |event| event.url.end_with?("/auth/refresh") }
  end

  def test_s09_logout_revokes_the_access_and_refresh_tokens
    client = olive_login
    access = client.access_token
    refresh = client.refresh_token

    assert_nil client.auth.logout

    refute client.logged_in?
    old_token = CloudBooks::Client.new(api_key: access, base_url: base_url)
    assert_raises(CloudBooks::AuthenticationError) { old_token.users.me }
    anonymous = CloudBooks::Client.new(api_key: nil, base_url: base_url)
    error = assert_raises(CloudBooks::AuthenticationError) do
      anonymous.request(:post, "auth/refresh", body: {refresh: refresh})
    end
    assert_equal 401, error.status
  end

  def test_s09_an_api_key_clients_logout_is_refused_by_the_server
    error = assert_raises(CloudBooks::PermissionDeniedError) { olive.auth.logout }
    assert_envelope error, CloudBooks::PermissionDeniedError, 403, "forbidden"
    assert_equal server["email"], olive.users.me.email
  end

  def test_s10_a_bearer_token_never_goes_to_another_origin
    other = RecordingServer.new
    [olive, olive_login].each do |client|
      # The same origin, as an absolute URL, gets the credential.
      assert_equal server["email"], client.request(:get, "#{base_url}/users/me")["email"]

      page = client.request(:get, "#{other.url}/v1/projects?cursor=abc")
      assert_equal [], page["results"]
    end
    requests = other.recorded
    assert_equal 2, requests.size
    requests.each { |request| refute request.headers.key?("authorization"), request.headers.inspect }
  ensure
    other&.close
  end

  def test_s10_a_next_link_to_another_origin_is_not_followed_there
    other = RecordingServer.new
    base = RecordingServer.new do |request|
      if request.path.include?("cursor=")
        [200, {}, {"next" => nil, "previous" => nil, "results" => []}]
      else
        next_link = "#{other.url}/v1/projects?cursor=c2&limit=1"
        [200, {}, {"next" => next_link, "previous" => nil, "results" => [project_json]}]
      end
    end
    client = CloudBooks::Client.new(api_key: "sk_live_secret", base_url: "#{base.url}/v1")

    assert_equal ["p"], client.projects.list(limit: 1).map(&:name)

    assert_empty other.recorded
    first, second = base.recorded
    assert_equal "/v1/projects?limit=1", first.path
    assert_equal "/v1/projects?cursor=c2&limit=1", second.path
    assert_equal ["Bearer sk_live_secret"] * 2, [first, second].map { |r| r.headers["authorization"] }
  ensure
    other&.close
    base&.close
  end

  def test_s10_a_redirect_is_never_followed
    other = RecordingServer.new
    base = RecordingServer.new { [302, {"Location" => "#{other.url}/v1/users/me"}, {}] }
    client = CloudBooks::Client.new(api_key: "sk_live_secret", base_url: "#{base.url}/v1")

    error = assert_raises(CloudBooks::APIError) { client.users.me }

    assert_equal 302, error.status
    assert_empty other.recorded
  ensure
    other&.close
    base&.close
  end

  private

  def project_json
    {"id" => SecureRandom.uuid, "organization" => SecureRandom.uuid, "name" => "p", "description" => "",
     "created_by" => nil, "created_at" => Time.now.utc.iso8601(6), "updated_at" => nil}
  end
end
