# frozen_string_literal: true

require_relative "test_helper"

# What a successful call leaves behind: SCENARIO S27.
class MetadataTest < ScenarioTest
  def test_s27_the_request_id_and_the_budget_of_the_last_call
    client = olive
    assert_nil client.last_response

    whoami = client.auth.whoami
    response = client.last_response
    assert_equal 200, response.status
    assert_match(/\Areq_\h{32}\z/, response.request_id)
    budget = client.rate_limit
    assert_equal [whoami.rate_limit.limit, whoami.rate_limit.remaining, whoami.rate_limit.reset],
                 [budget.limit, budget.remaining, budget.reset]
    assert_equal 1000, budget.limit
    assert_operator budget.reset, :>, Time.now.to_i

    client.users.me
    refute_equal response.request_id, client.last_response.request_id
    assert_equal budget.remaining - 1, client.rate_limit.remaining
    client.users.me
    assert_equal budget.remaining - 2, client.rate_limit.remaining
  end

  def test_s27_errors_carry_the_budget_too
    client = olive
    client.users.me
    before = client.rate_limit.remaining
    assert_raises(CloudBooks::NotFoundError) { client.projects.get(SecureRandom.uuid) }
    assert_equal 404, client.last_response.status
    assert_equal before - 1, client.rate_limit.remaining
  end
end
