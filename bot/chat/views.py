"""Interactive pieces: a paginator for long lists and a picker for ambiguous names (RoboDanny's patterns).

Both answer only the person who asked, and disable themselves when they time out so nobody presses a dead
button. Their words are in the answer's language: discord.py sets a decorated item's label once, for the class, so
each view sets its own in `__init__`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

import discord

from ..core.i18n import DISCORD_LOCALES, t
from .embeds import clip

log = logging.getLogger(__name__)

TIMEOUT = 180.0


class OwnedView(discord.ui.View):
    """A view that only its owner may press, and that greys itself out on timeout."""

    message: discord.Message | None = None

    def __init__(self, owner_id: int, *, lang: str, timeout: float = TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.lang = lang

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        # said to whoever pressed: in their own language when Leaderbot speaks it, else in the answer's
        lang = DISCORD_LOCALES.get(str(interaction.locale), self.lang)
        await interaction.response.send_message(t(lang, "discord.not_yours"), ephemeral=True)
        return False

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException as exc:  # deleted, or we lost access: nothing to disable
                log.debug("could not disable a timed-out view: %s", exc)


class Paginator(OwnedView):
    def __init__(self, pages: Sequence[discord.Embed], owner_id: int, *, lang: str, timeout: float = TIMEOUT) -> None:
        super().__init__(owner_id, lang=lang, timeout=timeout)
        self.pages = list(pages)
        self.index = 0
        self.previous.label = t(lang, "discord.previous")
        self.next.label = t(lang, "discord.next")
        self._sync()

    def _sync(self) -> None:
        last = len(self.pages) - 1
        self.first.disabled = self.previous.disabled = self.index == 0
        self.next.disabled = self.last.disabled = self.index == last
        self.counter.label = f"{self.index + 1}/{len(self.pages)}"

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._sync()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="≪", style=discord.ButtonStyle.secondary)
    async def first(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._show(interaction, 0)

    @discord.ui.button(style=discord.ButtonStyle.primary)  # labelled in the answer's language by __init__
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def counter(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        """Shows the page number; never enabled."""

    @discord.ui.button(style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._show(interaction, self.index + 1)

    @discord.ui.button(label="≫", style=discord.ButtonStyle.secondary)
    async def last(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._show(interaction, len(self.pages) - 1)


PickHandler = Callable[[discord.Interaction, str], Awaitable[None]]


class Picker(OwnedView):
    """A select menu of candidate names; choosing one hands the name to `on_pick`, which answers."""

    def __init__(
        self,
        names: Sequence[str],
        owner_id: int,
        on_pick: PickHandler,
        *,
        lang: str,
        timeout: float = TIMEOUT,
    ) -> None:
        super().__init__(owner_id, lang=lang, timeout=timeout)
        self.on_pick = on_pick
        self.choose.placeholder = t(lang, "discord.pick")
        self.names = list(dict.fromkeys(names))[:25]
        self.choose.options = [
            discord.SelectOption(label=clip(name, 100), value=str(i)) for i, name in enumerate(self.names)
        ]

    @discord.ui.select(min_values=1, max_values=1)  # its placeholder is set by __init__, in the answer's language
    async def choose(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        name = self.names[int(select.values[0])]
        self.stop()
        await self.on_pick(interaction, name)
