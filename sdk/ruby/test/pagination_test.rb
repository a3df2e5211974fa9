# frozen_string_literal: true

require_relative "test_helper"

# Lazy auto-pagination: SCENARIO S15–S16.
class PaginationTest < ScenarioTest
  def test_s15_the_list_yields_every_item_of_every_page_fetching_pages_only_when_needed
    client, _delays, events = recording
    org = client.organizations.create(name: unique("Pages"))
    created = Array.new(5) { |i| client.projects.create(organization: org.id, name: "Page item #{i}") }
    events.clear

    projects = client.projects.list(organization: org.id, limit: 2)
    assert_kind_of Enumerable, projects
    assert_empty events, "no request before the iteration starts"

    assert_equal [created[4].id], projects.first(1).map(&:id)
    assert_equal 1, events.size
    events.clear
    assert_equal created.reverse.first(3).map(&:id), projects.first(3).map(&:id)
    assert_equal 2, events.size, "the third item needs the second page, not the third"
    events.clear

    all = projects.to_a
    assert_equal created.reverse.map(&:id), all.map(&:id), "all 5, newest first, each once"
    assert all.all?(CloudBooks::Project)
    assert_equal 3, events.size, "2 + 2 + 1"
    assert_match(/[?&]cursor=/, events[1].url)
    assert_match(/[?&]limit=2/, events[1].url)
    assert_match(/[?&]organization=#{org.id}/, events[2].url)
  end

  def test_s15_a_lazy_enumeration_stops_early
    client, _delays, events = recording
    org = client.organizations.create(name: unique("Lazy"))
    3.times { |i| client.projects.create(organization: org.id, name: "Lazy #{i}") }
    events.clear

    names = client.projects.list(organization: org.id, limit: 1).lazy.map(&:name).first(2)

    assert_equal ["Lazy 2", "Lazy 1"], names
    assert_equal 2, events.size
  end

  def test_s16_the_projects_of_an_organization_that_is_not_olives_are_an_empty_list
    client, _delays, events = recording

    assert_equal [], client.projects.list(organization: SecureRandom.uuid).to_a
    assert_equal 1, events.size
  end
end
