import re
from playwright.sync_api import sync_playwright
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
ext = []
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
    pg = b.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    pg.on("request", lambda r: ext.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    pg.goto("http://127.0.0.1:8765/admin/"); pg.wait_for_timeout(2000)
    pg.get_by_role("button", name="Se connecter").click(); pg.wait_for_timeout(2000)
    pg.goto("http://127.0.0.1:8765/admin/#/collections/laureates/new"); pg.wait_for_timeout(3000)
    # try saving empty first: required error
    pg.get_by_role("button", name=re.compile("^Publier")).first.click(); pg.wait_for_timeout(500)
    pg.locator("[role=menuitem]").first.click(); pg.wait_for_timeout(1500)
    pg.screenshot(path="n1.png", full_page=True)
    inputs = pg.locator("input[type=text], input:not([type])")
    pg.locator("input[id^=title-field]").fill("Jardin partagé des Œillets")
    pg.locator("input[id^=porteur-field]").fill("Association Test")
    # selects (react-select): click and choose
    def choose(label, option):
        pg.locator(f"input[id^='{label}-field']").click(force=True); pg.wait_for_timeout(300)
        pg.keyboard.type(option[:6]); pg.wait_for_timeout(300); pg.keyboard.press("Enter"); pg.wait_for_timeout(300)
    choose("edition", "2019"); choose("quartiers", "Athis-Mons — Noyer Renard"); choose("themes", "Culture")
    pg.locator("[id^=summary-field]").fill("Un jardin partagé.")
    pg.locator("input[id^=image_alt-field]").fill("Des habitants au jardin")
    # image upload
    pg.get_by_text("Choisir une image").click(); pg.wait_for_timeout(1500)
    pg.screenshot(path="n2.png")
    with pg.expect_file_chooser() as fc:
        pg.get_by_text("Téléverser une nouvelle ressource").click()
    fc.value.set_files("/tmp/spike/photo-gps.jpg"); pg.wait_for_timeout(3000)
    pg.screenshot(path="n3.png")
    pg.get_by_text("Choisir les éléments sélectionnés").click(); pg.wait_for_timeout(800)
    pg.locator("[contenteditable=true]").last.click(); pg.keyboard.type("Un jardin **partagé** par les habitants."); pg.wait_for_timeout(500)
    pg.screenshot(path="n4.png", full_page=True)
    pg.get_by_role("button", name=re.compile("^Publier")).first.click(); pg.wait_for_timeout(500)
    pg.locator("[role=menuitem]").first.click(); pg.wait_for_timeout(3000)
    pg.screenshot(path="n5.png")
    b.close()
print("external:", ext)
