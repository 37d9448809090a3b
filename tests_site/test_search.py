"""The search box, used as a reader would: type a word, press Enter, read the results."""


def test_search_box_finds_huber(open_page):
    visit = open_page("intro.html")
    page = visit.page
    page.locator("button.search-button__button:visible").first.click()  # opens the search dialog
    box = page.locator("#pst-search-dialog input[name='q']")
    box.fill("huber")
    with page.expect_navigation() as navigation:
        box.press("Enter")
    assert navigation.value.ok, f"the search page answered HTTP {navigation.value.status}"
    assert "search.html?q=huber" in page.url, page.url
    # Sphinx's search reads searchindex.js, lists the pages and then says how many it found
    summary = page.locator("#search-results .search-summary")
    page.wait_for_function("s => s.innerText.trim() !== ''", arg=summary.element_handle())
    results = page.locator("#search-results ul.search li a")
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(h.startswith("chapters/02_regression_losses.html") for h in hrefs), (summary.inner_text(), hrefs)
    assert visit.own_errors() == []
